// Tests for the zlib-stream inflater (gateway-spec.md §8.3, case G18).
#include "transport/zlib_inflater.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "stream_compressors.hpp"

namespace gatehouse::transport {
namespace {

using testing::big_dispatch;
using testing::split_at;
using testing::zlib_deflater;

constexpr std::size_t limit = 8 * 1024 * 1024;

TEST(zlib_inflater_test, inflates_messages_that_share_one_stream) {
  zlib_deflater gateway;
  zlib_inflater inflater(limit);
  message_buffer out;
  std::error_code ec;

  for (int i = 0; i < 100; ++i) {
    const auto text = R"({"op":0,"s":)" + std::to_string(i) + R"(,"t":"X","d":{}})";
    ASSERT_TRUE(inflater.feed(gateway.message(text), out, ec)) << i;
    EXPECT_EQ(out.view(), text);
  }
  EXPECT_FALSE(ec);
}

TEST(zlib_inflater_test, case_g18_big_message_split_across_websocket_messages) {
  zlib_deflater gateway;
  zlib_inflater inflater(limit);
  message_buffer out;
  std::error_code ec;
  const auto text = big_dispatch(300 * 1024, 1);
  const auto compressed = gateway.message(text, 7);

  // The cuts fall at odd places, the last one inside the 00 00 FF FF suffix.
  const auto parts = split_at(compressed, {1, 333, compressed.size() / 2, compressed.size() - 2});
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    EXPECT_FALSE(inflater.feed(parts[i], out, ec)) << i;
    ASSERT_FALSE(ec);
  }
  ASSERT_TRUE(inflater.feed(parts.back(), out, ec));
  EXPECT_EQ(out.view(), text);
  EXPECT_EQ(inflater.buffered(), 0u);

  // The stream goes on after the big message.
  for (int i = 0; i < 100; ++i) {
    const auto next = big_dispatch(200, i);
    ASSERT_TRUE(inflater.feed(gateway.message(next), out, ec)) << i;
    EXPECT_EQ(out.view(), next);
  }
}

TEST(zlib_inflater_test, keeps_simdjson_padding_after_the_message) {
  zlib_deflater gateway;
  zlib_inflater inflater(limit);
  message_buffer out;
  std::error_code ec;

  ASSERT_TRUE(inflater.feed(gateway.message(big_dispatch(70000, 2)), out, ec));
  EXPECT_GE(out.capacity() - out.size(), message_buffer::padding);
}

TEST(zlib_inflater_test, fresh_context_is_needed_for_a_new_stream) {
  zlib_deflater first;
  zlib_inflater old_context(limit);
  message_buffer out;
  std::error_code ec;
  ASSERT_TRUE(old_context.feed(first.message(R"({"op":11})"), out, ec));

  // A new connection's stream opens with a zlib header the old context does not expect.
  zlib_deflater second;
  const auto opening = second.message(R"({"op":10})");
  EXPECT_FALSE(old_context.feed(opening, out, ec));
  EXPECT_EQ(ec, error::decompression_failed);

  zlib_inflater fresh(limit);
  ASSERT_TRUE(fresh.feed(opening, out, ec));
  EXPECT_EQ(out.view(), R"({"op":10})");
}

TEST(zlib_inflater_test, corrupt_stream_fails_and_stays_failed) {
  zlib_deflater gateway;
  zlib_inflater inflater(limit);
  message_buffer out;
  std::error_code ec;
  auto bytes = gateway.message(big_dispatch(2000, 3));
  bytes[1] = static_cast<char>(bytes[1] ^ 0xff);  // breaks the header's check bits

  EXPECT_FALSE(inflater.feed(bytes, out, ec));
  EXPECT_EQ(ec, error::decompression_failed);
  EXPECT_FALSE(inflater.feed(gateway.message("{}"), out, ec));
  EXPECT_EQ(ec, error::decompression_failed);
}

TEST(zlib_inflater_test, inflated_size_over_the_limit_fails) {
  zlib_deflater gateway;
  zlib_inflater inflater(64 * 1024);
  message_buffer out;
  std::error_code ec;

  // Highly compressible: small on the wire, over the limit once inflated.
  const std::string text(200 * 1024, ' ');
  const auto compressed = gateway.message(text);
  ASSERT_LT(compressed.size(), 64u * 1024);
  EXPECT_FALSE(inflater.feed(compressed, out, ec));
  EXPECT_EQ(ec, error::message_too_large);
}

TEST(zlib_inflater_test, buffered_input_over_the_limit_fails) {
  zlib_inflater inflater(1000);
  message_buffer out;
  std::error_code ec;
  const std::string chunk(600, 'a');  // never ends with the flush suffix

  EXPECT_FALSE(inflater.feed(chunk, out, ec));
  EXPECT_FALSE(ec);
  EXPECT_FALSE(inflater.feed(chunk, out, ec));
  EXPECT_EQ(ec, error::message_too_large);
}

}  // namespace
}  // namespace gatehouse::transport
