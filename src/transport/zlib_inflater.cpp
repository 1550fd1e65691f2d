// The zlib-stream inflater (gateway-spec.md §8.3).
#include "transport/zlib_inflater.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "core/error.hpp"

namespace gatehouse::transport {

namespace {

// Discord ends each gateway message with a Z_SYNC_FLUSH, whose bytes end with this (§8.3).
constexpr std::string_view flush_suffix{"\x00\x00\xff\xff", 4};

// Inflated output is usually several times the input; start with room for that.
constexpr std::size_t min_output_step = 16 * 1024;

// RFC 1950 §2.2: deflate (CM 8) with a window of at most 32 KiB, check bits that make the pair
// a multiple of 31, and no preset dictionary.
bool is_zlib_header(std::string_view bytes) {
  const auto cmf = static_cast<unsigned char>(bytes[0]);
  const auto flg = static_cast<unsigned char>(bytes[1]);
  return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0 && (flg & 0x20) == 0;
}

bool ends_with_flush(std::string_view bytes) {
  return bytes.size() >= flush_suffix.size() &&
         bytes.substr(bytes.size() - flush_suffix.size()) == flush_suffix;
}

}  // namespace

struct zlib_inflater::stream {
  z_stream z{};
  bool initialised = false;
  bool header_read = false;

  ~stream() {
    if (initialised) {
      inflateEnd(&z);
    }
  }
};

zlib_inflater::zlib_inflater(std::size_t max_size)
    : stream_(std::make_unique<stream>()), max_size_(max_size) {
  // The stream opens with a zlib header (§8.3), which inflate_all checks itself; the rest is
  // inflated raw, so that zlib keeps no Adler-32 of every byte: only the end of the stream,
  // which the gateway never sends, would be checked against it.
  stream_->initialised = inflateInit2(&stream_->z, -MAX_WBITS) == Z_OK;
  failed_ = !stream_->initialised;
}

zlib_inflater::~zlib_inflater() = default;

bool zlib_inflater::feed(std::string_view chunk, message_buffer& out, std::error_code& ec) {
  ec.clear();
  if (failed_) {
    return fail(ec, error::decompression_failed);
  }

  // A whole message in one WebSocket message is inflated straight from the read buffer.
  if (pending_.empty() && ends_with_flush(chunk)) {
    return inflate_all(chunk, out, ec);
  }

  if (pending_.size() + chunk.size() > max_size_) {
    return fail(ec, error::message_too_large);
  }
  pending_.append(chunk);

  // Only the latest WebSocket message decides, so a suffix split across two is still seen.
  if (!ends_with_flush(pending_.view())) {
    return false;
  }
  const bool done = inflate_all(pending_.view(), out, ec);
  pending_.clear();

  return done;
}

bool zlib_inflater::inflate_all(std::string_view input, message_buffer& out, std::error_code& ec) {
  if (!stream_->header_read) {
    if (input.size() < 2 || !is_zlib_header(input)) {
      return fail(ec, error::decompression_failed);
    }
    input.remove_prefix(2);
    stream_->header_read = true;
  }

  z_stream& z = stream_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  out.clear();

  // Drain until all input is used and the last call left output room unused (§8.3).
  for (;;) {
    const auto space = out.prepare(std::max(min_output_step, input.size() * 2));
    const auto room = static_cast<uInt>(std::min<std::size_t>(space.size(), 1u << 30));
    z.next_out = reinterpret_cast<Bytef*>(space.data());
    z.avail_out = room;

    const int rc = inflate(&z, Z_SYNC_FLUSH);
    out.commit(room - z.avail_out);

    if (out.size() > max_size_) {
      return fail(ec, error::message_too_large);
    }
    // A finished stream leaves its Adler-32 trailer (4 bytes) unread, and nothing after it.
    if (rc == Z_STREAM_END) {
      if (z.avail_in > 4) {
        return fail(ec, error::decompression_failed);
      }
      break;
    }
    // Z_BUF_ERROR only means no progress was possible, which the loop condition settles.
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return fail(ec, error::decompression_failed);
    }
    if (z.avail_in == 0 && z.avail_out != 0) {
      break;
    }
    if (rc == Z_BUF_ERROR && z.avail_out != 0) {
      // Input left, output room left, and no progress: the stream is corrupt.
      return fail(ec, error::decompression_failed);
    }
  }

  return true;
}

bool zlib_inflater::fail(std::error_code& ec, error e) {
  failed_ = true;
  ec = e;

  return false;
}

}  // namespace gatehouse::transport
