// The zstd-stream decompressor (gateway-spec.md §8.4).
#include "transport/zstd_inflater.hpp"

#include <zstd.h>

#include <algorithm>

#include "core/error.hpp"

namespace gatehouse::transport {

namespace {

constexpr std::size_t min_output_step = 16 * 1024;

}  // namespace

zstd_inflater::zstd_inflater(std::size_t max_size)
    : context_(ZSTD_createDStream()), max_size_(max_size) {
  failed_ = context_ == nullptr || ZSTD_isError(ZSTD_initDStream(context_));
}

zstd_inflater::~zstd_inflater() {
  ZSTD_freeDStream(context_);
}

bool zstd_inflater::feed(std::string_view chunk, message_buffer& out, std::error_code& ec) {
  ec.clear();
  if (failed_) {
    return fail(ec, error::decompression_failed);
  }

  ZSTD_inBuffer in{chunk.data(), chunk.size(), 0};
  out.clear();

  // The frame never ends between messages: decode until the input is used and the output was
  // not filled, and never wait for a 0 return (§8.4).
  for (;;) {
    const auto space = out.prepare(std::max(min_output_step, chunk.size() * 2));
    ZSTD_outBuffer dst{space.data(), space.size(), 0};

    const std::size_t rc = ZSTD_decompressStream(context_, &dst, &in);
    out.commit(dst.pos);

    if (ZSTD_isError(rc)) {
      return fail(ec, error::decompression_failed);
    }
    if (out.size() > max_size_) {
      return fail(ec, error::message_too_large);
    }
    if (in.pos == in.size && dst.pos < dst.size) {
      break;
    }
  }

  // A message that decodes to nothing was cut short; the next one would not line up.
  if (out.empty()) {
    return fail(ec, error::decompression_failed);
  }

  return true;
}

bool zstd_inflater::fail(std::error_code& ec, error e) {
  failed_ = true;
  ec = e;

  return false;
}

}  // namespace gatehouse::transport
