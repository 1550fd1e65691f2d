// Tests for the per-connection sliding send window (gateway-spec.md §5.1, case G14).
#include "core/send_limiter.hpp"

#include <gtest/gtest.h>

namespace gatehouse::core {
namespace {

const time_point t0{};

send_limiter make(std::uint32_t limit, std::uint32_t reserved) {
  return send_limiter({.limit = limit, .window = seconds(60), .reserved = reserved});
}

TEST(send_limiter_test, commands_stop_before_the_reserved_slots) {
  auto l = make(10, 3);
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(l.can_send_command(t0));
    l.record(t0);
  }
  EXPECT_FALSE(l.can_send_command(t0));
}

TEST(send_limiter_test, reserved_sends_are_counted) {
  auto l = make(10, 3);
  for (int i = 0; i < 6; ++i) {
    l.record(t0);
  }
  EXPECT_TRUE(l.can_send_command(t0));
  l.record(t0);  // a heartbeat
  EXPECT_FALSE(l.can_send_command(t0));
}

TEST(send_limiter_test, window_slides_per_send) {
  auto l = make(4, 1);
  l.record(t0);
  l.record(t0 + seconds(10));
  l.record(t0 + seconds(20));
  EXPECT_FALSE(l.can_send_command(t0 + seconds(59)));
  // The first send leaves the window exactly 60 s after it went out.
  EXPECT_TRUE(l.can_send_command(t0 + seconds(60)));
  EXPECT_EQ(l.in_window(t0 + seconds(60)), 2u);
}

TEST(send_limiter_test, next_command_slot_is_when_the_oldest_leaves) {
  auto l = make(4, 1);
  l.record(t0);
  l.record(t0 + seconds(10));
  l.record(t0 + seconds(20));
  EXPECT_EQ(l.next_command_slot(t0 + seconds(30)), t0 + seconds(60));
}

TEST(send_limiter_test, next_command_slot_accounts_for_reserved_overflow) {
  auto l = make(4, 1);
  for (int i = 0; i < 4; ++i) {
    l.record(t0 + seconds(i));  // three commands and a heartbeat fill the window
  }
  // Two sends must leave before a command fits: the second leaves at 61 s.
  EXPECT_EQ(l.next_command_slot(t0 + seconds(5)), t0 + seconds(61));
}

TEST(send_limiter_test, next_command_slot_is_now_when_free) {
  auto l = make(4, 1);
  EXPECT_EQ(l.next_command_slot(t0), t0);
}

TEST(send_limiter_test, reset_empties_the_window) {
  auto l = make(4, 1);
  for (int i = 0; i < 4; ++i) {
    l.record(t0);
  }
  l.reset();
  EXPECT_EQ(l.in_window(t0), 0u);
  EXPECT_TRUE(l.can_send_command(t0));
}

TEST(send_limiter_test, case_g14_no_sixty_second_window_holds_more_than_the_limit) {
  // Commands sent as fast as the limiter allows, for five minutes, with a heartbeat every 41 s.
  auto l = make(120, 5);
  std::vector<time_point> sent;
  time_point next_beat = t0;
  for (auto now = t0; now < t0 + seconds(300); now += milliseconds(50)) {
    if (now >= next_beat) {
      l.record(now);
      sent.push_back(now);
      next_beat = now + milliseconds(41250);
    }
    while (l.can_send_command(now)) {
      l.record(now);
      sent.push_back(now);
    }
  }
  for (std::size_t i = 0; i < sent.size(); ++i) {
    std::size_t in_window = 0;
    for (std::size_t j = i; j < sent.size() && sent[j] < sent[i] + seconds(60); ++j) {
      ++in_window;
    }
    ASSERT_LE(in_window, 120u) << "window starting at send " << i;
  }
  EXPECT_GT(sent.size(), 500u);
}

}  // namespace
}  // namespace gatehouse::core
