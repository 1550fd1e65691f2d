// zlib-stream and zstd-stream compression contexts.
#include "testgw/compressor.hpp"

#include <stdexcept>

#include <zlib.h>
#include <zstd.h>

namespace gatehouse::testgw {

struct compressor::zlib_state {
  z_stream stream{};

  explicit zlib_state(const compressor_options& o) {
    // The zlib wrapper, not raw deflate: clients inflate with inflateInit (§8.3). Speed over
    // ratio by default, so that compression never makes the gateway a benchmark's bottleneck.
    const int bits = o.raw_deflate ? -15 : 15;
    if (deflateInit2(&stream, o.zlib_level, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit failed");
    }
  }
  ~zlib_state() { deflateEnd(&stream); }
};

struct compressor::zstd_state {
  ZSTD_CCtx* context = ZSTD_createCCtx();

  explicit zstd_state(const compressor_options& o) {
    if (context == nullptr) {
      throw std::runtime_error("ZSTD_createCCtx failed");
    }
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, o.zstd_level);
  }
  ~zstd_state() { ZSTD_freeCCtx(context); }
};

std::optional<compression> compression_from_query(std::string_view value) {
  if (value.empty()) {
    return compression::none;
  }
  if (value == "zlib-stream") {
    return compression::zlib_stream;
  }
  if (value == "zstd-stream") {
    return compression::zstd_stream;
  }
  return std::nullopt;
}

std::string_view compression_name(compression c) {
  switch (c) {
    case compression::zlib_stream:
      return "zlib-stream";
    case compression::zstd_stream:
      return "zstd-stream";
    default:
      return "none";
  }
}

compressor::compressor(compression kind, compressor_options options) : kind_(kind) {
  if (kind == compression::zlib_stream) {
    zlib_ = std::make_unique<zlib_state>(options);
  } else if (kind == compression::zstd_stream) {
    zstd_ = std::make_unique<zstd_state>(options);
  }
}

compressor::~compressor() = default;

void compressor::compress(std::string_view message, std::string& out) {
  out.clear();
  if (kind_ == compression::none) {
    out.assign(message);
    return;
  }

  if (zlib_) {
    // Z_SYNC_FLUSH ends every message on 00 00 FF FF (§8.3).
    z_stream& zs = zlib_->stream;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
    zs.avail_in = static_cast<uInt>(message.size());
    do {
      std::size_t used = out.size();
      out.resize(used + deflateBound(&zs, zs.avail_in) + 16);
      zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      zs.avail_out = static_cast<uInt>(out.size() - used);
      deflate(&zs, Z_SYNC_FLUSH);
      out.resize(out.size() - zs.avail_out);
    } while (zs.avail_out == 0 || zs.avail_in > 0);
    return;
  }

  // ZSTD_e_flush keeps the frame open: no end mark, no content size (§8.4).
  ZSTD_inBuffer in{message.data(), message.size(), 0};
  std::size_t remaining = 0;
  do {
    // Room for the whole message at once; a 128 KiB block per call would be zero-filled each
    // time and cost more than the compression.
    std::size_t used = out.size();
    out.resize(used + ZSTD_compressBound(in.size - in.pos) + 64);
    ZSTD_outBuffer buffer{out.data() + used, out.size() - used, 0};
    remaining = ZSTD_compressStream2(zstd_->context, &buffer, &in, ZSTD_e_flush);
    if (ZSTD_isError(remaining)) {
      throw std::runtime_error(ZSTD_getErrorName(remaining));
    }
    out.resize(used + buffer.pos);
  } while (remaining != 0 || in.pos < in.size);
}

void compressor::end_segment(std::string& out) {
  out.clear();
  if (zlib_) {
    // No input: an empty stored block and a cleared history (§8.3 still holds: 00 00 FF FF).
    z_stream& zs = zlib_->stream;
    zs.next_in = nullptr;
    zs.avail_in = 0;
    do {
      const std::size_t used = out.size();
      out.resize(used + 64);
      zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      zs.avail_out = 64;
      deflate(&zs, Z_FULL_FLUSH);
      out.resize(out.size() - zs.avail_out);
    } while (zs.avail_out == 0);
    return;
  }
  if (zstd_) {
    // The frame's last block; the next compress() opens a frame with the same parameters.
    ZSTD_inBuffer in{nullptr, 0, 0};
    std::size_t remaining = 0;
    do {
      const std::size_t used = out.size();
      out.resize(used + 64);
      ZSTD_outBuffer buffer{out.data() + used, 64, 0};
      remaining = ZSTD_compressStream2(zstd_->context, &buffer, &in, ZSTD_e_end);
      if (ZSTD_isError(remaining)) {
        throw std::runtime_error(ZSTD_getErrorName(remaining));
      }
      out.resize(used + buffer.pos);
    } while (remaining != 0);
  }
}

}  // namespace gatehouse::testgw
