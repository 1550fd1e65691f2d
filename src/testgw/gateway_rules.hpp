// The rules every client payload must follow, each checked on its own and answered with the
// close code Discord documents for it (gateway-spec.md §2.2, §3.3, §4, §5). No I/O, no clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/value.hpp>

namespace gatehouse::testgw {

// A broken rule: the close code the gateway answers with, and what the client did.
struct rule_violation {
  std::uint16_t code = 0;
  std::string what;  // short, lower case: "receive-only opcode 0"
};

// One decoded client payload.
struct client_payload {
  int op = 0;
  boost::json::value d;
};

// Decodes one client WebSocket message. 4002 for a binary message (clients never send
// compressed data, §5.4), more than `max_size` bytes, text that is not JSON or not an object
// with an integer `op`; 4001 for an opcode a client may not send (§2.2).
std::variant<client_payload, rule_violation> decode_payload(std::string_view text, bool binary,
                                                            std::size_t max_size);

// The order rules: 4003 for anything but heartbeat, identify and resume before the connection
// is authenticated; 4005 for identify or resume after it is (§3.3, §4).
std::optional<rule_violation> check_order(int op, bool authenticated);

// A heartbeat's d is the last sequence or null (§3.2); anything else is 4001.
std::optional<rule_violation> check_heartbeat(const boost::json::value& d);

struct identify_request {
  std::uint32_t intents = 0;
  std::uint32_t shard_id = 0;
  std::uint32_t num_shards = 1;
  bool has_shard = false;  // identify carried `shard`
};

// Checks an identify's d (§3.3): an object with token, properties and intents (4001 when
// malformed), the exact bare token (4004), defined intent bits (4013), privileged intents the
// application enabled (4014), and 0 <= shard_id < num_shards (4010).
std::variant<identify_request, rule_violation> check_identify(const boost::json::value& d,
                                                              std::string_view token,
                                                              std::uint32_t enabled_privileged);

struct resume_request {
  std::string session_id;
  std::uint64_t seq = 0;
};

// Checks a resume's d (§3.6): token, session_id and seq present with the right types (4001)
// and the exact bare token (4004). Whether the session can resume is the session store's.
std::variant<resume_request, rule_violation> check_resume(const boost::json::value& d,
                                                          std::string_view token);

// The send limit (§5.1): at most `limit` client payloads in any sliding `window`.
class send_window {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;

  send_window(int limit, duration window);

  // Counts one payload at `now`; false when it is one too many (close 4008).
  bool admit(time_point now);

 private:
  std::size_t limit_;
  duration window_;
  std::deque<time_point> recent_;  // at most limit_ entries
};

}  // namespace gatehouse::testgw
