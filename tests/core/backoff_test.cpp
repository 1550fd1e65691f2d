// Tests for exponential backoff with full jitter.
#include "core/backoff.hpp"

#include <gtest/gtest.h>

namespace gatehouse::core {
namespace {

backoff make() {
  return backoff({.base = seconds(1), .cap = seconds(8), .reset_after = seconds(60)});
}

TEST(backoff_test, first_reconnect_is_immediate) {
  auto b = make();
  EXPECT_EQ(b.next_delay(0.99), duration::zero());
}

TEST(backoff_test, ceiling_doubles_per_attempt) {
  auto b = make();
  b.next_delay(0.5);
  EXPECT_EQ(b.ceiling(), seconds(1));
  b.next_delay(0.5);
  EXPECT_EQ(b.ceiling(), seconds(2));
  b.next_delay(0.5);
  EXPECT_EQ(b.ceiling(), seconds(4));
}

TEST(backoff_test, ceiling_stops_at_cap) {
  auto b = make();
  for (int i = 0; i < 100; ++i) {
    b.next_delay(0.5);
  }
  EXPECT_EQ(b.ceiling(), seconds(8));
  EXPECT_EQ(b.next_delay(0.5), seconds(4));
}

TEST(backoff_test, delay_is_ceiling_times_random) {
  auto b = make();
  b.next_delay(0.0);
  b.next_delay(0.0);
  EXPECT_EQ(b.next_delay(0.25), milliseconds(500));  // third attempt, ceiling 2 s
}

TEST(backoff_test, full_jitter_can_be_zero) {
  auto b = make();
  b.next_delay(0.0);
  EXPECT_EQ(b.next_delay(0.0), duration::zero());
}

TEST(backoff_test, reset_makes_the_next_reconnect_immediate) {
  auto b = make();
  b.next_delay(0.5);
  b.next_delay(0.5);
  b.reset();
  EXPECT_EQ(b.next_delay(0.9), duration::zero());
}

}  // namespace
}  // namespace gatehouse::core
