// The gateway payload envelope {op, d, s, t} (gateway-spec.md §2.1), scanned
// without building a document: the hot path of every inbound message.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::core {

struct envelope {
  int op = -1;
  bool has_sequence = false;  // `s` was a number, not null or absent
  std::uint64_t sequence = 0;
  std::string_view type;  // `t`, empty when null or absent
  std::string_view data;  // the raw JSON of `d`, "null" when absent
};

// Scans envelopes one message at a time. The views of the
// returned envelope stay valid until the next call to scan and
// while the scanned text is alive. Buffers grow to the largest
// message and are reused, so the steady state allocates nothing.
class envelope_scanner {
 public:
  // Reads `op`, `s`, `t` and the raw `d` from `text`, in any key order,
  // skipping unknown keys. `padding` is how many readable bytes follow `text`;
  // with fewer than simdjson needs, the text is copied into an internal padded
  // buffer. Fails with error::malformed_message.
  //
  // A dispatch in Discord's own layout ({"t":..,"s":..,"op":0,"d":..}, compact)
  // has only the bytes before `d` read: `d` is the rest up to the closing brace,
  // and a malformed `d` is found by whoever parses it, not here.
  envelope scan(std::string_view text, std::size_t padding, std::error_code& ec);

 private:
  simdjson::ondemand::parser parser_;
  std::string padded_;  // the copy of a message that came without enough padding
};

}  // namespace gatehouse::core
