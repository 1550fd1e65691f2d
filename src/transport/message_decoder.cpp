// Turns WebSocket messages into complete gateway messages (gateway-spec.md §8.1).
#include "transport/message_decoder.hpp"

#include "core/error.hpp"

namespace gatehouse::transport {

message_decoder::message_decoder(core::transport_compression compression, std::size_t max_size)
    : max_size_(max_size) {
  switch (compression) {
    case core::transport_compression::zlib_stream:
      inflater_.emplace<zlib_inflater>(max_size);
      break;
    case core::transport_compression::zstd_stream:
      inflater_.emplace<zstd_inflater>(max_size);
      break;
    case core::transport_compression::none:
      break;
  }
}

std::optional<decoded_message> message_decoder::decode(std::string_view message, bool binary,
                                                       std::size_t spare, std::error_code& ec) {
  ec.clear();

  // Text frames carry plain JSON, even on a compressed connection (§8.1).
  if (!binary) {
    if (message.size() > max_size_) {
      ec = error::message_too_large;
      return std::nullopt;
    }
    if (spare >= message_buffer::padding) {
      return decoded_message{message, spare};
    }

    // Too little room after it for simdjson: one copy into the reused buffer.
    out_.clear();
    out_.append(message);
    return decoded_message{out_.view(), message_buffer::padding};
  }

  bool done = false;
  if (auto* z = std::get_if<zlib_inflater>(&inflater_)) {
    done = z->feed(message, out_, ec);
  } else if (auto* z = std::get_if<zstd_inflater>(&inflater_)) {
    done = z->feed(message, out_, ec);
  } else {
    // Binary data with no transport compression is not JSON the gateway would send here.
    ec = error::malformed_message;
  }
  if (!done) {
    return std::nullopt;
  }

  return decoded_message{out_.view(), message_buffer::padding};
}

}  // namespace gatehouse::transport
