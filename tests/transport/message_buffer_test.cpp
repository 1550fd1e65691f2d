// Tests for the padded message buffer.
#include "transport/message_buffer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::transport {
namespace {

TEST(message_buffer_test, appended_bytes_keep_padding_after_them) {
  message_buffer b;
  b.append("hello");
  b.append(std::string(10000, 'x'));

  EXPECT_EQ(b.size(), 10005u);
  EXPECT_EQ(b.view().substr(0, 5), "hello");
  EXPECT_GE(b.capacity() - b.size(), message_buffer::padding);
}

TEST(message_buffer_test, clear_keeps_the_memory_for_the_next_message) {
  message_buffer b;
  b.append(std::string(50000, 'x'));
  const auto* before = b.view().data();
  b.clear();
  b.append(std::string(40000, 'y'));

  EXPECT_EQ(b.view().data(), before);
}

TEST(message_buffer_test, prepare_never_hands_out_the_padding) {
  message_buffer b;
  const auto space = b.prepare(100);

  EXPECT_GE(space.size(), 100u);
  EXPECT_EQ(space.size() + message_buffer::padding, b.capacity());
}

TEST(message_buffer_test, consume_moves_the_rest_to_the_front) {
  message_buffer b;
  b.append("frame one|frame two");
  b.consume(10);

  EXPECT_EQ(b.view(), "frame two");
  b.consume(100);
  EXPECT_TRUE(b.empty());
}

TEST(message_buffer_test, release_above_gives_back_only_a_large_empty_buffer) {
  message_buffer b;
  b.append(std::string(100000, 'x'));
  b.release_above(64 * 1024);
  EXPECT_GE(b.capacity(), 100000u);  // not empty: kept

  b.clear();
  b.release_above(64 * 1024);
  EXPECT_EQ(b.capacity(), 0u);

  b.append("small");
  b.clear();
  b.release_above(64 * 1024);
  EXPECT_GT(b.capacity(), 0u);  // small: kept for the next read
}

}  // namespace
}  // namespace gatehouse::transport
