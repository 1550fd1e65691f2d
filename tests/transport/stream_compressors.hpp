// Test helpers: the gateway's side of zlib-stream and zstd-stream, one stream per connection,
// flushed after each message as Discord does (gateway-spec.md §8.3, §8.4).
#pragma once

#include <zlib.h>
#include <zstd.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::transport::testing {

class zlib_deflater {
 public:
  zlib_deflater() {
    if (deflateInit(&z_, Z_DEFAULT_COMPRESSION) != Z_OK) {
      throw std::runtime_error("deflateInit failed");
    }
  }
  ~zlib_deflater() { deflateEnd(&z_); }
  zlib_deflater(const zlib_deflater&) = delete;
  zlib_deflater& operator=(const zlib_deflater&) = delete;

  // Compresses `text` in `pieces` deflate calls, the last with Z_SYNC_FLUSH, so one message
  // comes out of several compressed chunks and ends with 00 00 FF FF.
  std::string message(std::string_view text, std::size_t pieces = 1) {
    std::string out;
    const std::size_t step = text.size() / pieces + 1;
    for (std::size_t at = 0; at < text.size(); at += step) {
      run(text.substr(at, step), Z_NO_FLUSH, out);
    }
    run({}, Z_SYNC_FLUSH, out);
    return out;
  }

 private:
  void run(std::string_view in, int flush, std::string& out) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    char buf[4096];
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = sizeof buf;
      deflate(&z_, flush);
      out.append(buf, sizeof buf - z_.avail_out);
    } while (z_.avail_out == 0);
  }

  z_stream z_{};
};

class zstd_compressor {
 public:
  zstd_compressor() : c_(ZSTD_createCCtx()) {}
  ~zstd_compressor() { ZSTD_freeCCtx(c_); }
  zstd_compressor(const zstd_compressor&) = delete;
  zstd_compressor& operator=(const zstd_compressor&) = delete;

  // Compresses `text` in `pieces` calls within the one open frame, flushing at the end, with
  // no pledged content size.
  std::string message(std::string_view text, std::size_t pieces = 1) {
    std::string out;
    const std::size_t step = text.size() / pieces + 1;
    for (std::size_t at = 0; at < text.size(); at += step) {
      run(text.substr(at, step), ZSTD_e_continue, out);
    }
    run({}, ZSTD_e_flush, out);
    return out;
  }

 private:
  void run(std::string_view in, ZSTD_EndDirective mode, std::string& out) {
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    std::vector<char> buf(ZSTD_CStreamOutSize());
    std::size_t left = 0;
    do {
      ZSTD_outBuffer dst{buf.data(), buf.size(), 0};
      left = ZSTD_compressStream2(c_, &dst, &src, mode);
      if (ZSTD_isError(left)) {
        throw std::runtime_error("zstd compression failed");
      }
      out.append(buf.data(), dst.pos);
    } while (src.pos < src.size || (mode != ZSTD_e_continue && left != 0));
  }

  ZSTD_CCtx* c_;
};

// Splits `bytes` into `parts` pieces at the given cut points (offsets from the start).
inline std::vector<std::string> split_at(std::string_view bytes, std::vector<std::size_t> cuts) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (const auto cut : cuts) {
    out.emplace_back(bytes.substr(from, cut - from));
    from = cut;
  }
  out.emplace_back(bytes.substr(from));
  return out;
}

// A dispatch payload of roughly `size` bytes whose content depends on `seed`.
inline std::string big_dispatch(std::size_t size, int seed) {
  std::string d =
      "{\"op\":0,\"s\":" + std::to_string(seed) + ",\"t\":\"GUILD_CREATE\",\"d\":{\"m\":[";
  for (int i = 0; d.size() < size; ++i) {
    d += "{\"id\":\"" + std::to_string(i * 7919 + seed) + "\",\"n\":\"member " +
         std::to_string(i ^ seed) + "\"},";
  }
  d += "{}]}}";
  return d;
}

}  // namespace gatehouse::transport::testing
