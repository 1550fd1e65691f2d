// The zlib-stream inflater: one inflate context for the life of one connection, fed binary
// WebSocket messages and producing whole gateway messages (gateway-spec.md §8.3).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <system_error>

#include "core/error.hpp"
#include "transport/message_buffer.hpp"

namespace gatehouse::transport {

class zlib_inflater {
 public:
  // `max_size` bounds both the buffered compressed bytes and the inflated message.
  explicit zlib_inflater(std::size_t max_size);
  ~zlib_inflater();
  zlib_inflater(const zlib_inflater&) = delete;
  zlib_inflater& operator=(const zlib_inflater&) = delete;

  // Takes one binary WebSocket message. Returns true when it completed a gateway message, which
  // then replaces the contents of `out`; false when more messages are needed or on a fault.
  // Faults (error::decompression_failed, error::message_too_large) leave the context unusable:
  // the connection must be replaced.
  bool feed(std::string_view chunk, message_buffer& out, std::error_code& ec);

  // Compressed bytes waiting for the message that ends with the flush suffix.
  std::size_t buffered() const { return pending_.size(); }

 private:
  // Marks the context spent; every later feed fails too.
  bool fail(std::error_code& ec, error e);

  bool inflate_all(std::string_view input, message_buffer& out, std::error_code& ec);

  struct stream;
  std::unique_ptr<stream> stream_;
  message_buffer pending_;
  std::size_t max_size_;
  bool failed_ = false;
};

}  // namespace gatehouse::transport
