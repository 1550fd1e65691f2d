// Tests for the zstd-stream decompressor (gateway-spec.md §8.4, case G20).
#include "transport/zstd_inflater.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "stream_compressors.hpp"

namespace gatehouse::transport {
namespace {

using testing::big_dispatch;
using testing::zstd_compressor;

constexpr std::size_t limit = 8 * 1024 * 1024;

TEST(zstd_inflater_test, case_g20_messages_of_one_open_frame_decode) {
  zstd_compressor gateway;
  zstd_inflater inflater(limit);
  message_buffer out;
  std::error_code ec;

  // Three messages, one of 1 MB written in several chunks, none with a content size.
  const std::string texts[] = {R"({"op":10,"d":{"heartbeat_interval":41250}})",
                               big_dispatch(1024 * 1024, 4), R"({"op":11})"};
  for (const auto& text : texts) {
    ASSERT_TRUE(inflater.feed(gateway.message(text, 5), out, ec));
    EXPECT_EQ(out.view(), text);
  }
  EXPECT_FALSE(ec);
}

TEST(zstd_inflater_test, fresh_context_decodes_a_new_stream) {
  zstd_compressor first;
  zstd_inflater old_context(limit);
  message_buffer out;
  std::error_code ec;
  ASSERT_TRUE(old_context.feed(first.message(R"({"op":11})"), out, ec));

  // The new connection's frame starts with a frame header; its blocks reference its own window.
  zstd_compressor second;
  zstd_inflater fresh(limit);
  for (int i = 0; i < 20; ++i) {
    const auto text = big_dispatch(3000, i % 3);
    ASSERT_TRUE(fresh.feed(second.message(text), out, ec)) << i;
    EXPECT_EQ(out.view(), text);
  }
}

TEST(zstd_inflater_test, corrupt_stream_fails_and_stays_failed) {
  zstd_compressor gateway;
  zstd_inflater inflater(limit);
  message_buffer out;
  std::error_code ec;
  auto bytes = gateway.message(big_dispatch(5000, 5));
  bytes[1] = static_cast<char>(bytes[1] ^ 0x5a);  // breaks the frame's magic number

  EXPECT_FALSE(inflater.feed(bytes, out, ec));
  EXPECT_EQ(ec, error::decompression_failed);
  EXPECT_FALSE(inflater.feed(gateway.message("{}"), out, ec));
  EXPECT_EQ(ec, error::decompression_failed);
}

TEST(zstd_inflater_test, decompressed_size_over_the_limit_fails) {
  zstd_compressor gateway;
  zstd_inflater inflater(64 * 1024);
  message_buffer out;
  std::error_code ec;

  EXPECT_FALSE(inflater.feed(gateway.message(std::string(300 * 1024, ' ')), out, ec));
  EXPECT_EQ(ec, error::message_too_large);
}

TEST(zstd_inflater_test, keeps_simdjson_padding_after_the_message) {
  zstd_compressor gateway;
  zstd_inflater inflater(limit);
  message_buffer out;
  std::error_code ec;

  ASSERT_TRUE(inflater.feed(gateway.message(big_dispatch(70000, 6)), out, ec));
  EXPECT_GE(out.capacity() - out.size(), message_buffer::padding);
}

}  // namespace
}  // namespace gatehouse::transport
