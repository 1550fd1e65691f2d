// Tests of the outbound zlib-stream and zstd-stream contexts, decoded as a client would.
#include "testgw/compressor.hpp"

#include <gtest/gtest.h>

#include <zlib.h>
#include <zstd.h>

namespace gatehouse::testgw {
namespace {

// One inflate context for the whole connection, as §8.3 asks of clients.
struct zlib_reader {
  z_stream zs{};
  zlib_reader() { inflateInit(&zs); }
  ~zlib_reader() { inflateEnd(&zs); }

  std::string read(const std::string& in) {
    std::string out;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    char buf[4096];
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      int rc = inflate(&zs, Z_SYNC_FLUSH);
      EXPECT_TRUE(rc == Z_OK || rc == Z_BUF_ERROR);
      out.append(buf, sizeof buf - zs.avail_out);
    } while (zs.avail_in > 0 || zs.avail_out == 0);
    return out;
  }
};

struct zstd_reader {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  ~zstd_reader() { ZSTD_freeDCtx(ctx); }

  std::string read(const std::string& in) {
    std::string out;
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    char buf[4096];
    do {
      ZSTD_outBuffer output{buf, sizeof buf, 0};
      EXPECT_FALSE(ZSTD_isError(ZSTD_decompressStream(ctx, &output, &input)));
      out.append(buf, output.pos);
      if (output.pos < sizeof buf && input.pos == input.size) {
        break;
      }
    } while (true);
    return out;
  }
};

std::string large_message() {
  std::string s = R"({"t":"GUILD_CREATE","s":2,"op":0,"d":{"members":[)";
  for (int i = 0; i < 5000; ++i) {
    s += R"({"id":")" + std::to_string(1000000 + i * 7919) + R"("},)";
  }
  s += "{}]}}";
  return s;
}

TEST(compressor_test, zlib_stream_messages_end_with_the_sync_flush_suffix) {
  compressor c(compression::zlib_stream);
  std::string out;
  c.compress(R"({"op":10})", out);
  ASSERT_GE(out.size(), 4u);
  EXPECT_EQ(out.substr(out.size() - 4), std::string("\x00\x00\xff\xff", 4));
}

TEST(compressor_test, zlib_stream_shares_one_context_across_messages) {
  compressor c(compression::zlib_stream);
  zlib_reader reader;
  std::string big = large_message();
  for (const std::string& msg : {std::string(R"({"op":10})"), big, std::string(R"({"op":11})")}) {
    std::string out;
    c.compress(msg, out);
    EXPECT_EQ(reader.read(out), msg);
  }
}

TEST(compressor_test, zstd_stream_frames_carry_no_content_size) {
  compressor c(compression::zstd_stream);
  std::string out;
  c.compress(R"({"op":10})", out);
  EXPECT_EQ(ZSTD_getFrameContentSize(out.data(), out.size()), ZSTD_CONTENTSIZE_UNKNOWN);
}

TEST(compressor_test, zstd_stream_flushes_each_message_in_one_frame) {
  compressor c(compression::zstd_stream);
  zstd_reader reader;
  std::string big = large_message();
  for (const std::string& msg : {std::string(R"({"op":10})"), big, std::string(R"({"op":11})")}) {
    std::string out;
    c.compress(msg, out);
    EXPECT_EQ(reader.read(out), msg);
  }
}

TEST(compressor_test, query_values_map_to_compression_kinds) {
  EXPECT_EQ(compression_from_query(""), compression::none);
  EXPECT_EQ(compression_from_query("zlib-stream"), compression::zlib_stream);
  EXPECT_EQ(compression_from_query("zstd-stream"), compression::zstd_stream);
  EXPECT_FALSE(compression_from_query("zlib"));
}

}  // namespace
}  // namespace gatehouse::testgw
