// Tests of the benchmark stream: standalone bodies decode with plain zlib and zstd, framed
// bodies parse as server frames, and a spliced body decodes between a live context's messages.
#include "testgw/bench_stream.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <zlib.h>
#include <zstd.h>

#include <string>
#include <vector>

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;

// A client's one inflate context for a whole connection (§8.3); `raw` for a body that does
// not start the stream.
class zlib_reader {
 public:
  explicit zlib_reader(bool raw = false) { inflateInit2(&zs_, raw ? -15 : 15); }
  ~zlib_reader() { inflateEnd(&zs_); }

  std::string read(std::string_view in) {
    std::string out;
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    char buf[16384];
    do {
      zs_.next_out = reinterpret_cast<Bytef*>(buf);
      zs_.avail_out = sizeof buf;
      const int rc = inflate(&zs_, Z_SYNC_FLUSH);
      EXPECT_TRUE(rc == Z_OK || rc == Z_BUF_ERROR) << zs_.msg;
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        break;
      }
      out.append(buf, sizeof buf - zs_.avail_out);
    } while (zs_.avail_in > 0 || zs_.avail_out == 0);
    return out;
  }

 private:
  z_stream zs_{};
};

// A client's one zstd context for a whole connection (§8.4), across frames.
class zstd_reader {
 public:
  ~zstd_reader() { ZSTD_freeDCtx(ctx_); }

  std::string read(std::string_view in) {
    std::string out;
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    char buf[16384];
    while (true) {
      ZSTD_outBuffer output{buf, sizeof buf, 0};
      const std::size_t rc = ZSTD_decompressStream(ctx_, &output, &input);
      EXPECT_FALSE(ZSTD_isError(rc)) << ZSTD_getErrorName(rc);
      if (ZSTD_isError(rc)) {
        break;
      }
      out.append(buf, output.pos);
      if (input.pos == input.size && output.pos < output.size) {
        break;
      }
    }
    return out;
  }

 private:
  ZSTD_DCtx* ctx_ = ZSTD_createDCtx();
};

// One decoder of either kind, so each test reads the same way.
class reader {
 public:
  reader(compression kind, bool raw) : kind_(kind), zlib_(raw) {}

  std::string read(std::string_view in) {
    switch (kind_) {
      case compression::zlib_stream:
        return zlib_.read(in);
      case compression::zstd_stream:
        return zstd_.read(in);
      default:
        return std::string(in);
    }
  }

 private:
  compression kind_;
  zlib_reader zlib_;
  zstd_reader zstd_;
};

// The payloads of concatenated server frames; fails the test on a frame that is not a whole,
// unmasked, unfragmented message of the expected opcode.
std::vector<std::string_view> parse_frames(std::string_view bytes, compression kind) {
  std::vector<std::string_view> out;
  const unsigned char opcode = kind == compression::none ? 1 : 2;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const auto b0 = static_cast<unsigned char>(bytes[at]);
    const auto b1 = static_cast<unsigned char>(bytes[at + 1]);
    EXPECT_EQ(b0, 0x80 | opcode) << "frame at " << at;
    EXPECT_EQ(b1 & 0x80, 0) << "masked frame at " << at;
    std::size_t size = b1 & 0x7F;
    std::size_t header = 2;
    const int extra = size == 126 ? 2 : size == 127 ? 8 : 0;
    if (extra > 0) {
      size = 0;
      for (int i = 0; i < extra; ++i) {
        size = size << 8 | static_cast<unsigned char>(bytes[at + 2 + i]);
      }
      header += extra;
      EXPECT_GE(size, extra == 2 ? 126u : 65536u) << "length not in its shortest form";
    }
    if (at + header + size > bytes.size()) {
      ADD_FAILURE() << "frame at " << at << " runs past the end";
      break;
    }
    out.push_back(bytes.substr(at + header, size));
    at += header + size;
  }
  return out;
}

bench_stream_options options_for(std::uint64_t events, std::uint64_t first_sequence = 1) {
  bench_stream_options o;
  o.events = events;
  o.first_sequence = first_sequence;
  o.generator.pool_size = 512;
  return o;
}

// Checks that `payloads` are dispatches with consecutive sequences from `first`.
void expect_dispatches(const std::vector<std::string>& payloads, std::uint64_t first) {
  std::uint64_t seq = first;
  for (const auto& text : payloads) {
    const json::value v = json::parse(text);
    ASSERT_EQ(v.at("op").as_int64(), 0) << text.substr(0, 80);
    ASSERT_FALSE(v.at("t").as_string().empty());
    ASSERT_TRUE(v.at("d").is_object());
    ASSERT_EQ(v.at("s").to_number<std::uint64_t>(), seq++);
  }
}

// Decodes a standalone body's messages with one fresh context, as a decode loop would.
void expect_standalone_decodes(compression kind, std::uint64_t events) {
  const world w;
  const auto messages = render_bench_messages(w, options_for(events, 7), kind, true);
  ASSERT_EQ(messages.size(), events);
  EXPECT_EQ(messages.events, events);

  reader decode(kind, false);
  std::vector<std::string> payloads;
  std::uint64_t json_bytes = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    payloads.push_back(decode.read(messages.message(i)));
    json_bytes += payloads.back().size();
  }
  expect_dispatches(payloads, 7);
  EXPECT_EQ(json_bytes, messages.json_bytes);
}

TEST(bench_stream_test, standalone_plain_body_holds_consecutive_dispatches) {
  expect_standalone_decodes(compression::none, 700);
}

TEST(bench_stream_test, standalone_zlib_body_inflates_with_one_fresh_context) {
  // More than one deflate part: the parts must join into one stream.
  expect_standalone_decodes(compression::zlib_stream, 9000);
}

TEST(bench_stream_test, standalone_zstd_body_decompresses_with_one_fresh_context) {
  expect_standalone_decodes(compression::zstd_stream, 700);
}

TEST(bench_stream_test, standalone_zlib_body_starts_with_a_zlib_header) {
  const auto messages =
      render_bench_messages(world{}, options_for(3), compression::zlib_stream, true);
  const auto first = messages.message(0);
  ASSERT_GE(first.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(first[0]) & 0x0F, 8);  // deflate, RFC 1950
  EXPECT_EQ((static_cast<unsigned char>(first[0]) << 8 | static_cast<unsigned char>(first[1])) % 31,
            0);
}

TEST(bench_stream_test, every_zlib_message_ends_with_the_sync_flush_suffix) {
  const auto messages =
      render_bench_messages(world{}, options_for(200), compression::zlib_stream, false);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    ASSERT_TRUE(messages.message(i).ends_with(std::string_view("\x00\x00\xff\xff", 4))) << i;
  }
}

TEST(bench_stream_test, framed_messages_parse_back_into_the_same_payloads) {
  for (auto kind : {compression::none, compression::zlib_stream, compression::zstd_stream}) {
    const auto messages = render_bench_messages(world{}, options_for(300), kind, false);
    const std::string framed = frame_bench_messages(messages, kind);
    const auto payloads = parse_frames(framed, kind);
    ASSERT_EQ(payloads.size(), messages.size());
    for (std::size_t i = 0; i < payloads.size(); ++i) {
      ASSERT_EQ(payloads[i], messages.message(i)) << i;
    }
  }
}

TEST(bench_stream_test, frame_lengths_take_the_7_16_and_64_bit_forms) {
  for (std::size_t size : {0u, 125u, 126u, 65535u, 65536u, 200000u}) {
    const std::string payload(size, 'x');
    const std::string framed = frame_with_prefix("ab", payload, compression::zlib_stream);
    const auto payloads = parse_frames(framed, compression::zlib_stream);
    ASSERT_EQ(payloads.size(), 1u);
    EXPECT_EQ(payloads[0], "ab" + payload);
  }
}

TEST(bench_stream_test, body_is_the_same_as_its_messages_framed) {
  const world w;
  for (auto kind : {compression::none, compression::zlib_stream}) {
    const auto o = options_for(300, 4);
    const auto body = render_bench_body(w, o, kind);
    const auto messages = render_bench_messages(w, o, kind, false);
    EXPECT_EQ(body.frames, frame_bench_messages(messages, kind));
    ASSERT_EQ(body.frame_ends.size(), messages.size());
    EXPECT_EQ(body.first_payload(), messages.message(0));
    EXPECT_EQ(body.json_bytes, messages.json_bytes);
    EXPECT_EQ(body.first_sequence, 4u);
  }
}

// A live connection's stream with a body spliced in, decoded by one client context: two
// live messages, the live context's end of segment in front of the body's first message, the
// body, then two more live messages.
void expect_splice_decodes(compression kind) {
  const world w;
  const std::uint64_t events = kind == compression::zlib_stream ? 9000 : 600;
  const auto body = render_bench_body(w, options_for(events, 3), kind);
  compressor live(kind);
  reader client(kind, false);
  std::string out;

  const std::string hello = R"({"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250}})";
  const std::string ready = R"({"t":"READY","s":1,"op":0,"d":{"v":10,"session_id":"a"}})";
  const std::string guild = R"({"t":"GUILD_CREATE","s":2,"op":0,"d":{"id":"1","v":10}})";
  for (const auto& message : {hello, ready, guild}) {
    live.compress(message, out);
    ASSERT_EQ(client.read(out), message);
  }

  // The body, its first message behind the live context's end of segment.
  std::string prefix;
  live.end_segment(prefix);
  EXPECT_FALSE(prefix.empty());
  const auto payloads = parse_frames(body.frames, kind);
  ASSERT_EQ(payloads.size(), events);
  std::vector<std::string> decoded;
  const std::string first = frame_with_prefix(prefix, body.first_payload(), kind);
  decoded.push_back(client.read(parse_frames(first, kind).at(0)));
  for (std::size_t i = 1; i < payloads.size(); ++i) {
    decoded.push_back(client.read(payloads[i]));
  }
  expect_dispatches(decoded, 3);

  // The live context carries on, repeating what it sent before the body.
  const std::string done = R"({"t":"BENCH_DONE","s":)" + std::to_string(3 + events) +
                           R"(,"op":0,"d":{"events":)" + std::to_string(events) + "}}";
  for (const auto& message :
       {done, std::string(R"({"t":null,"s":null,"op":11,"d":null})"), guild}) {
    live.compress(message, out);
    ASSERT_EQ(client.read(out), message);
  }
}

TEST(bench_stream_test, spliced_zlib_body_decodes_between_live_messages) {
  expect_splice_decodes(compression::zlib_stream);
}

TEST(bench_stream_test, spliced_zstd_body_decodes_between_live_frames) {
  expect_splice_decodes(compression::zstd_stream);
}

TEST(bench_stream_test, plain_body_needs_no_prefix) {
  compressor live(compression::none);
  std::string prefix = "left over";
  live.end_segment(prefix);
  EXPECT_TRUE(prefix.empty());
}

}  // namespace
}  // namespace gatehouse::testgw
