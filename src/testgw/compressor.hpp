// Outbound transport compression for one connection: zlib-stream (one deflate stream, a
// Z_SYNC_FLUSH per message) or zstd-stream (one frame that never ends, ZSTD_e_flush per
// message, no pledged size), as gateway-spec.md §8.3 and §8.4 describe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::testgw {

enum class compression { none, zlib_stream, zstd_stream };

// "zlib-stream", "zstd-stream", or nullopt for anything else; an empty value is none.
std::optional<compression> compression_from_query(std::string_view value);
std::string_view compression_name(compression c);

// How a context compresses: the live connection's defaults favour speed over ratio.
struct compressor_options {
  int zlib_level = 1;  // Z_BEST_SPEED
  int zstd_level = 1;
  bool raw_deflate = false;  // no zlib header: the output continues another stream
};

// One connection's compression context, created with the connection and never reset.
class compressor {
 public:
  explicit compressor(compression kind, compressor_options options = {});
  ~compressor();
  compressor(const compressor&) = delete;
  compressor& operator=(const compressor&) = delete;

  compression kind() const { return kind_; }

  // Compresses one whole gateway message into `out` (replacing its contents), flushed so
  // that the peer can decode it without the next one. With none, copies.
  void compress(std::string_view message, std::string& out);

  // Replaces `out` with the bytes that end what was compressed so far, so that another
  // context's output may come next: a zlib full flush (nothing after it refers back), the end
  // of the zstd frame (the next message starts a new one). With none, empty.
  void end_segment(std::string& out);

 private:
  struct zlib_state;
  struct zstd_state;

  compression kind_;
  std::unique_ptr<zlib_state> zlib_;
  std::unique_ptr<zstd_state> zstd_;
};

}  // namespace gatehouse::testgw
