// Tests for the heartbeat schedule and zombie detection (gateway-spec.md §3.2).
#include "core/heartbeat.hpp"

#include <gtest/gtest.h>

namespace gatehouse::core {
namespace {

const time_point t0{};
using action = heartbeat::action;

TEST(heartbeat_test, first_beat_is_due_after_interval_times_jitter) {
  heartbeat h;
  h.start(milliseconds(1000), 0.25, t0);
  EXPECT_EQ(h.deadline(), t0 + milliseconds(250));
  EXPECT_EQ(h.poll(t0 + milliseconds(249)), action::none);
  EXPECT_EQ(h.poll(t0 + milliseconds(250)), action::beat);
}

TEST(heartbeat_test, later_beats_follow_the_interval) {
  heartbeat h;
  h.start(milliseconds(1000), 0.25, t0);
  h.on_sent(t0 + milliseconds(250));
  EXPECT_EQ(h.deadline(), t0 + milliseconds(1250));
}

TEST(heartbeat_test, acknowledged_beat_allows_the_next) {
  heartbeat h;
  h.start(milliseconds(1000), 0.0, t0);
  h.on_sent(t0);
  EXPECT_EQ(h.on_ack(t0 + milliseconds(40)), milliseconds(40));
  EXPECT_EQ(h.poll(t0 + milliseconds(1000)), action::beat);
}

TEST(heartbeat_test, unacknowledged_beat_is_zombied_when_the_next_is_due) {
  heartbeat h;
  h.start(milliseconds(1000), 0.0, t0);
  h.on_sent(t0);
  EXPECT_EQ(h.poll(t0 + milliseconds(999)), action::none);
  EXPECT_EQ(h.poll(t0 + milliseconds(1000)), action::zombied);
}

TEST(heartbeat_test, requested_beat_keeps_the_schedule) {
  heartbeat h;
  h.start(milliseconds(1000), 0.5, t0);
  h.on_requested(t0 + milliseconds(100));
  EXPECT_EQ(h.deadline(), t0 + milliseconds(500));
  EXPECT_TRUE(h.is_awaiting_ack());
}

TEST(heartbeat_test, unacknowledged_requested_beat_counts_for_the_zombie_check) {
  heartbeat h;
  h.start(milliseconds(1000), 0.5, t0);
  h.on_requested(t0 + milliseconds(100));
  EXPECT_EQ(h.poll(t0 + milliseconds(500)), action::zombied);
}

TEST(heartbeat_test, ack_without_a_beat_has_no_round_trip) {
  heartbeat h;
  h.start(milliseconds(1000), 0.5, t0);
  EXPECT_FALSE(h.on_ack(t0 + milliseconds(10)).has_value());
}

TEST(heartbeat_test, stopped_schedule_has_no_deadline) {
  heartbeat h;
  h.start(milliseconds(1000), 0.5, t0);
  h.stop();
  EXPECT_FALSE(h.deadline().has_value());
  EXPECT_EQ(h.poll(t0 + seconds(10)), action::none);
}

}  // namespace
}  // namespace gatehouse::core
