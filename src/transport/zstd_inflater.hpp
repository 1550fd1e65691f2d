// The zstd-stream decompressor: one streaming context for the life of one connection, each
// binary WebSocket message one gateway message (gateway-spec.md §8.4).
#pragma once

#include <cstddef>
#include <string_view>
#include <system_error>

#include "core/error.hpp"
#include "transport/message_buffer.hpp"

struct ZSTD_DCtx_s;

namespace gatehouse::transport {

class zstd_inflater {
 public:
  // `max_size` bounds each decompressed message.
  explicit zstd_inflater(std::size_t max_size);
  ~zstd_inflater();
  zstd_inflater(const zstd_inflater&) = delete;
  zstd_inflater& operator=(const zstd_inflater&) = delete;

  // Takes one binary WebSocket message and replaces the contents of `out` with the gateway
  // message it carries. Faults (error::decompression_failed, error::message_too_large) leave the
  // context unusable: the connection must be replaced.
  bool feed(std::string_view chunk, message_buffer& out, std::error_code& ec);

 private:
  // Marks the context spent; every later feed fails too.
  bool fail(std::error_code& ec, error e);

  ZSTD_DCtx_s* context_;
  std::size_t max_size_;
  bool failed_ = false;
};

}  // namespace gatehouse::transport
