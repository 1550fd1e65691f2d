// The benchmark stream: N generated dispatches rendered, and for zlib-stream and zstd-stream
// compressed, once and ahead of time, so that the gateway sends them at the speed of the socket
// and every client, gatehouse's or a peer's, receives the same bytes.
//
// A bench session gets, after READY and its GUILD_CREATEs, the body below and then one marker
// dispatch, BENCH_DONE with d = {"events":N}, sent the ordinary way.
//
// Splicing a pre-compressed body into a live connection's stream:
// - zlib-stream: the connection's last message before the body is flushed with Z_FULL_FLUSH, so
//   nothing after it refers back; the body is raw deflate (no zlib header) from a fresh context,
//   each message ending with Z_SYNC_FLUSH; the connection's context then carries on, and it too
//   refers only to what it compressed after its full flush.
// - zstd-stream: the connection's frame is ended (ZSTD_e_end) before the body; the body is one
//   frame of its own, each message flushed (ZSTD_e_flush) and the last one ending the frame;
//   the connection's context starts a new frame after it. A decoder sees consecutive frames.
// Nothing else may be sent inside the body: heartbeat ACKs due meanwhile wait until it is out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "testgw/compressor.hpp"
#include "testgw/traffic_generator.hpp"
#include "testgw/world.hpp"

namespace gatehouse::testgw {

struct bench_stream_options {
  std::uint64_t events = 200000;     // dispatches in the body
  std::uint64_t first_sequence = 1;  // `s` of the body's first dispatch
  generator_options generator;       // seed and mix; the rate is ignored
};

// The body as WebSocket message payloads, in order: payload i is
// bytes[ends[i-1] .. ends[i]) (from 0 for the first).
struct bench_messages {
  std::string bytes;
  std::vector<std::size_t> ends;
  std::uint64_t events = 0;
  std::uint64_t json_bytes = 0;  // the uncompressed payloads' total

  std::size_t size() const { return ends.size(); }
  std::string_view message(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(begin, ends[i] - begin);
  }
};

// Renders the body for `kind`. `standalone` makes it decodable by a fresh decompressor from its
// first byte (a zlib header; for zstd the same bytes), for the decode-limit benchmark; without
// it, zlib-stream bodies are the raw deflate described above, ready to be spliced.
bench_messages render_bench_messages(const world& w, const bench_stream_options& options,
                                     compression kind, bool standalone);

// The messages as unmasked server-to-client WebSocket frames (text for none, binary otherwise),
// concatenated, ready to be written to the socket as they are.
std::string frame_bench_messages(const bench_messages& messages, compression kind);

// The body as the gateway keeps it: spliceable (not standalone) and framed, with where each
// frame ends, so that a writer can cut it at frame boundaries and re-frame its first message.
struct bench_body {
  compression kind = compression::none;
  std::uint64_t first_sequence = 1;
  std::uint64_t events = 0;
  std::uint64_t json_bytes = 0;
  std::string frames;                   // frame_bench_messages' bytes
  std::vector<std::size_t> frame_ends;  // frame i is frames[frame_ends[i-1] .. frame_ends[i])
  std::size_t first_header = 0;         // the header size of frame 0

  // The first message's payload, without its frame header.
  std::string_view first_payload() const {
    return std::string_view(frames).substr(first_header, frame_ends[0] - first_header);
  }
};

// render_bench_messages(w, options, kind, false) framed, without holding the unframed copy.
bench_body render_bench_body(const world& w, const bench_stream_options& options, compression kind);

// render_bench_body for several kinds at once, from one rendering of the generator's pool and
// on threads of their own; in the order of `kinds`.
std::vector<bench_body> render_bench_bodies(const world& w, const bench_stream_options& options,
                                            std::span<const compression> kinds);

// One unmasked server frame of `kind` whose payload is `prefix` then `payload`: the live
// context's flush in front of the body's first message, so no extra message appears.
std::string frame_with_prefix(std::string_view prefix, std::string_view payload, compression kind);

}  // namespace gatehouse::testgw
