// Renders, compresses and frames the benchmark stream ahead of time.
#include "testgw/bench_stream.hpp"

#include <algorithm>
#include <future>
#include <stdexcept>
#include <utility>

#include "testgw/frames.hpp"

namespace gatehouse::testgw {
namespace {

// The live context's levels (compressor_options' defaults): deflate's level 1 is already
// most of the render time, and a higher one would cost several times more.
constexpr compressor_options encoding_for(bool header) {
  compressor_options o;
  o.raw_deflate = !header;
  return o;
}

// RFC 6455 §5.2: FIN, the opcode, and a 7, 16 or 64-bit length; a server does not mask.
void append_header(std::string& out, std::size_t size, compression kind) {
  out.push_back(static_cast<char>(kind == compression::none ? 0x81 : 0x82));
  if (size < 126) {
    out.push_back(static_cast<char>(size));
    return;
  }

  const int bytes = size <= 0xFFFF ? 2 : 8;
  out.push_back(static_cast<char>(bytes == 2 ? 126 : 127));
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((size >> shift) & 0xFF));
  }
}

// Part of a body: payloads (framed or not) for events [begin, end) of the stream.
struct segment {
  std::string bytes;
  std::vector<std::size_t> ends;
  std::uint64_t json_bytes = 0;
  std::size_t first_header = 0;
};

// zlib bodies are deflated in this many parts at once: each part is a fresh raw deflate
// context whose output refers only to itself, so the parts concatenate into one valid stream,
// as the body itself follows the live stream. Deflate is the one slow step of rendering.
constexpr std::uint64_t zlib_segments = 8;
constexpr std::uint64_t min_segment_events = 4096;

// Renders events [begin, end) of the stream from `pool`, which cycles (traffic_generator).
// `header`: the zlib part starts the stream with a zlib header; `framed`: each payload gets its
// WebSocket frame header in front.
segment render_segment(const std::vector<world_event>& pool, const bench_stream_options& options,
                       compression kind, bool header, bool framed, std::uint64_t begin,
                       std::uint64_t end) {
  segment out;
  out.ends.reserve(end - begin);
  compressor encoder(kind, encoding_for(header));

  // Every event with its full `d`: bench sessions get all of them, whatever their intents.
  std::string compressed;
  std::string frame_end;
  for (std::uint64_t i = begin; i < end; ++i) {
    const world_event& event = pool[i % pool.size()];
    const std::string payload = dispatch_frame(event.name, options.first_sequence + i, event.d);
    out.json_bytes += payload.size();
    std::string_view message = payload;
    if (kind != compression::none) {
      encoder.compress(payload, compressed);
      if (kind == compression::zstd_stream && i + 1 == options.events) {
        encoder.end_segment(frame_end);  // the body's frame ends with it (§8.4)
        compressed += frame_end;
      }
      message = compressed;
    }

    if (framed) {
      append_header(out.bytes, message.size(), kind);
    }
    if (out.ends.empty()) {
      out.first_header = out.bytes.size();
    }
    out.bytes.append(message);
    out.ends.push_back(out.bytes.size());
  }

  return out;
}

// The generator's pool for the options: the stream is this pool, cycled.
traffic_generator stream_for(const world& w, const bench_stream_options& options) {
  generator_options generator = options.generator;
  generator.events_per_second = 0;
  return traffic_generator(w, generator);
}

bench_body to_body(segment all, const bench_stream_options& options, compression kind) {
  bench_body body;
  body.kind = kind;
  body.first_sequence = options.first_sequence;
  body.events = options.events;
  body.json_bytes = all.json_bytes;
  body.frames = std::move(all.bytes);
  body.frame_ends = std::move(all.ends);
  body.first_header = all.first_header;

  return body;
}

// The whole body, its zlib parts rendered on threads of their own.
segment render_all(const std::vector<world_event>& pool, const bench_stream_options& options,
                   compression kind, bool standalone, bool framed) {
  std::uint64_t parts = 1;
  if (kind == compression::zlib_stream) {
    parts = std::clamp<std::uint64_t>(options.events / min_segment_events, 1, zlib_segments);
  }
  std::vector<std::future<segment>> pending;
  for (std::uint64_t p = 0; p < parts; ++p) {
    const std::uint64_t begin = options.events * p / parts;
    const std::uint64_t end = options.events * (p + 1) / parts;
    const bool header = standalone && p == 0;
    pending.push_back(std::async(std::launch::async, [&, header, begin, end] {
      return render_segment(pool, options, kind, header, framed, begin, end);
    }));
  }

  // The parts joined in order, their ends moved by what comes before them.
  segment all = pending[0].get();
  for (std::uint64_t p = 1; p < parts; ++p) {
    segment next = pending[p].get();
    const std::size_t offset = all.bytes.size();
    all.bytes.append(next.bytes);
    for (const std::size_t e : next.ends) {
      all.ends.push_back(offset + e);
    }
    all.json_bytes += next.json_bytes;
  }

  return all;
}

}  // namespace

bench_messages render_bench_messages(const world& w, const bench_stream_options& options,
                                     compression kind, bool standalone) {
  segment all = render_all(stream_for(w, options).pool(), options, kind, standalone, false);
  bench_messages out;
  out.bytes = std::move(all.bytes);
  out.ends = std::move(all.ends);
  out.events = options.events;
  out.json_bytes = all.json_bytes;

  return out;
}

std::string frame_bench_messages(const bench_messages& messages, compression kind) {
  std::string out;
  out.reserve(messages.bytes.size() + messages.size() * 4);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto message = messages.message(i);
    append_header(out, message.size(), kind);
    out.append(message);
  }

  return out;
}

bench_body render_bench_body(const world& w, const bench_stream_options& options,
                             compression kind) {
  const auto events = stream_for(w, options);
  return to_body(render_all(events.pool(), options, kind, false, true), options, kind);
}

std::vector<bench_body> render_bench_bodies(const world& w, const bench_stream_options& options,
                                            std::span<const compression> kinds) {
  const auto events = stream_for(w, options);
  std::vector<std::future<bench_body>> pending;
  for (const compression kind : kinds) {
    pending.push_back(std::async(std::launch::async, [&events, &options, kind] {
      return to_body(render_all(events.pool(), options, kind, false, true), options, kind);
    }));
  }

  std::vector<bench_body> bodies;
  for (auto& p : pending) {
    bodies.push_back(p.get());
  }
  return bodies;
}

std::string frame_with_prefix(std::string_view prefix, std::string_view payload, compression kind) {
  std::string out;
  out.reserve(prefix.size() + payload.size() + 10);
  append_header(out, prefix.size() + payload.size(), kind);
  out.append(prefix).append(payload);

  return out;
}

}  // namespace gatehouse::testgw
