// Tests for the per-connection message decoder (gateway-spec.md §8.1).
#include "transport/message_decoder.hpp"

#include <gtest/gtest.h>

#include "allocation_counter.hpp"
#include "core/error.hpp"
#include "stream_compressors.hpp"

namespace gatehouse::transport {
namespace {

using core::transport_compression;

TEST(message_decoder_test, text_with_room_after_it_is_not_copied) {
  message_decoder decoder(transport_compression::none, 1024);
  std::error_code ec;
  const std::string frame = std::string(R"({"op":11})") + std::string(64, ' ');
  const std::string_view text(frame.data(), 9);

  const auto message = decoder.decode(text, false, 64, ec);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->text.data(), text.data());
  EXPECT_EQ(message->padding, 64u);
}

TEST(message_decoder_test, text_without_room_after_it_is_copied_with_padding) {
  message_decoder decoder(transport_compression::none, 1024);
  std::error_code ec;
  const std::string text = R"({"op":11})";

  const auto message = decoder.decode(text, false, 3, ec);
  ASSERT_TRUE(message);
  EXPECT_NE(message->text.data(), text.data());
  EXPECT_EQ(message->text, text);
  EXPECT_GE(message->padding, message_buffer::padding);
}

TEST(message_decoder_test, text_frames_are_plain_json_on_a_compressed_connection) {
  message_decoder decoder(transport_compression::zlib_stream, 1024);
  std::error_code ec;

  const auto message = decoder.decode(R"({"op":7})", false, 0, ec);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->text, R"({"op":7})");
}

TEST(message_decoder_test, text_over_the_limit_fails) {
  message_decoder decoder(transport_compression::none, 8);
  std::error_code ec;

  EXPECT_FALSE(decoder.decode(R"({"op":11})", false, 64, ec));
  EXPECT_EQ(ec, error::message_too_large);
}

TEST(message_decoder_test, binary_without_transport_compression_is_malformed) {
  message_decoder decoder(transport_compression::none, 1024);
  std::error_code ec;

  EXPECT_FALSE(decoder.decode("\x78\x9c", true, 0, ec));
  EXPECT_EQ(ec, error::malformed_message);
}

TEST(message_decoder_test, zlib_binary_messages_complete_on_the_flush_suffix) {
  testing::zlib_deflater gateway;
  message_decoder decoder(transport_compression::zlib_stream, 1 << 20);
  std::error_code ec;
  const auto text = testing::big_dispatch(5000, 9);
  const auto bytes = gateway.message(text, 3);
  const auto parts = testing::split_at(bytes, {bytes.size() / 3, bytes.size() - 1});

  EXPECT_FALSE(decoder.decode(parts[0], true, 0, ec));
  EXPECT_FALSE(decoder.decode(parts[1], true, 0, ec));
  const auto message = decoder.decode(parts[2], true, 0, ec);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->text, text);
}

TEST(message_decoder_test, zstd_binary_message_is_one_gateway_message) {
  testing::zstd_compressor gateway;
  message_decoder decoder(transport_compression::zstd_stream, 1 << 20);
  std::error_code ec;
  const auto text = testing::big_dispatch(5000, 10);

  const auto message = decoder.decode(gateway.message(text, 4), true, 0, ec);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->text, text);
}

TEST(message_decoder_test, steady_state_decoding_allocates_nothing) {
  testing::zlib_deflater zlib_gateway;
  testing::zstd_compressor zstd_gateway;
  message_decoder zlib(transport_compression::zlib_stream, 1 << 20);
  message_decoder zstd(transport_compression::zstd_stream, 1 << 20);
  std::vector<std::string> zlib_messages;
  std::vector<std::string> zstd_messages;
  for (int i = 0; i < 200; ++i) {
    const auto text = testing::big_dispatch(300 + (i % 7) * 100, i);
    zlib_messages.push_back(zlib_gateway.message(text));
    zstd_messages.push_back(zstd_gateway.message(text));
  }
  std::error_code ec;

  // The first messages size the buffers; after them nothing more is allocated with new (zlib
  // and zstd allocate their fixed state with malloc when they start).
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(zlib.decode(zlib_messages[i], true, 0, ec));
    ASSERT_TRUE(zstd.decode(zstd_messages[i], true, 0, ec));
  }
  const auto before = gatehouse::testing::allocations();
  ASSERT_GT(before, 0u) << "the counter does not see allocations";
  for (int i = 20; i < 200; ++i) {
    ASSERT_TRUE(zlib.decode(zlib_messages[i], true, 0, ec));
    ASSERT_TRUE(zstd.decode(zstd_messages[i], true, 0, ec));
    ASSERT_TRUE(zlib.decode(R"({"op":11})", false, 64, ec));
  }

  EXPECT_EQ(gatehouse::testing::allocations(), before);
}

}  // namespace
}  // namespace gatehouse::transport
