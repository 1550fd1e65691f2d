// The gateway's own payloads as text.
#include "testgw/frames.hpp"

namespace gatehouse::testgw {

std::string dispatch_frame(std::string_view name, std::uint64_t seq, std::string_view d) {
  std::string seq_text = std::to_string(seq);
  std::string out;
  out.reserve(d.size() + name.size() + seq_text.size() + 28);
  out.append(R"({"t":")").append(name).append(R"(","s":)").append(seq_text);
  out.append(R"(,"op":0,"d":)").append(d).push_back('}');

  return out;
}

std::string hello_frame(std::chrono::milliseconds interval) {
  // Real Hello frames carry a _trace too (§2.2); clients must ignore it.
  return R"({"t":null,"s":null,"op":10,"d":{"heartbeat_interval":)" +
         std::to_string(interval.count()) + R"(,"_trace":["[\"gatehouse-testgw\"]"]}})";
}

std::string_view heartbeat_ack_frame() {
  return R"({"t":null,"s":null,"op":11,"d":null})";
}

std::string_view reconnect_frame() {
  return R"({"t":null,"s":null,"op":7,"d":null})";
}

std::string_view heartbeat_request_frame() {
  return R"({"t":null,"s":null,"op":1,"d":null})";
}

std::string_view invalid_session_frame(bool resumable) {
  return resumable ? R"({"t":null,"s":null,"op":9,"d":true})"
                   : R"({"t":null,"s":null,"op":9,"d":false})";
}

}  // namespace gatehouse::testgw
