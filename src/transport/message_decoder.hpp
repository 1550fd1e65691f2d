// Turns the WebSocket messages of one connection into complete gateway messages: plain text
// frames as they are, binary frames through the connection's zlib-stream or zstd-stream
// context (gateway-spec.md §8.1). No I/O; one decoder per connection, never reused.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <system_error>
#include <variant>

#include "core/shard_options.hpp"
#include "transport/message_buffer.hpp"
#include "transport/zlib_inflater.hpp"
#include "transport/zstd_inflater.hpp"

namespace gatehouse::transport {

// One complete gateway message. `text` stays valid until the next decode(); `padding` readable
// bytes follow it in memory (at least message_buffer::padding).
struct decoded_message {
  std::string_view text;
  std::size_t padding;
};

class message_decoder {
 public:
  message_decoder(core::transport_compression compression, std::size_t max_size);

  // Takes one whole WebSocket message; `spare` is how many readable bytes follow it in memory.
  // Returns the gateway message it completed, or nothing when more is needed or on a fault
  // (then `ec` is error::decompression_failed or error::message_too_large and the connection
  // must be replaced).
  std::optional<decoded_message> decode(std::string_view message, bool binary, std::size_t spare,
                                        std::error_code& ec);

 private:
  using inflater = std::variant<std::monostate, zlib_inflater, zstd_inflater>;

  inflater inflater_;
  message_buffer out_;
  std::size_t max_size_;
};

}  // namespace gatehouse::transport
