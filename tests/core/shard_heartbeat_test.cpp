// Tests for heartbeating on a shard: jitter, interval, sequence, requested beats and zombied
// connections (gateway-spec.md §3.2; cases G05, G07).
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "gateway_pair.hpp"

namespace gatehouse::core {
namespace {

using testing::gateway_pair;
const time_point t0{};

TEST(shard_heartbeat_test, first_beat_after_interval_times_jitter) {
  gateway_pair g;
  g.random_value = 0.3;
  g.start();
  g.advance(milliseconds(299));
  EXPECT_EQ(g.count(1), 0u);
  g.advance(milliseconds(1));
  ASSERT_EQ(g.count(1), 1u);
  EXPECT_EQ(g.sent_with(1)[0].at, t0 + milliseconds(300));
}

TEST(shard_heartbeat_test, beats_follow_every_interval) {
  gateway_pair g;
  g.random_value = 0.3;
  g.start();
  g.advance(milliseconds(3300));
  auto beats = g.sent_with(1);
  ASSERT_EQ(beats.size(), 4u);
  EXPECT_EQ(beats[1].at, t0 + milliseconds(1300));
  EXPECT_EQ(beats[3].at, t0 + milliseconds(3300));
}

TEST(shard_heartbeat_test, beat_carries_last_sequence) {
  gateway_pair g;
  g.random_value = 0.0;
  g.start();
  g.dispatch("MESSAGE_CREATE");
  g.dispatch("MESSAGE_CREATE");
  g.advance(milliseconds(1000));
  EXPECT_EQ(g.sent_with(1).back().text, R"({"op":1,"d":3})");
}

TEST(shard_heartbeat_test, case_g07_beats_before_ready_carry_null) {
  gateway_pair g;
  g.auto_ready = false;
  g.heartbeat_interval = milliseconds(500);
  g.start();
  g.advance(seconds(3));
  auto beats = g.sent_with(1);
  ASSERT_GE(beats.size(), 2u);
  for (const auto& b : beats) {
    EXPECT_EQ(b.text, R"({"op":1,"d":null})");
  }
}

TEST(shard_heartbeat_test, case_g07_frames_without_sequence_leave_it_alone) {
  gateway_pair g;
  g.random_value = 0.0;
  g.start();
  g.dispatch("GUILD_CREATE");
  g.send(R"({"t":null,"s":null,"op":11,"d":null})");
  g.send(R"({"t":"TYPING_START","s":null,"op":0,"d":{}})");
  g.advance(milliseconds(1000));
  EXPECT_EQ(g.sent_with(1).back().text, R"({"op":1,"d":2})");
}

TEST(shard_heartbeat_test, requested_beat_is_answered_at_once) {
  gateway_pair g;
  g.random_value = 0.9;
  g.start();
  g.advance(milliseconds(100));
  g.send(R"({"op":1,"d":null})");
  ASSERT_EQ(g.count(1), 1u);
  EXPECT_EQ(g.sent_with(1)[0].at, t0 + milliseconds(100));
  EXPECT_EQ(g.sent_with(1)[0].text, R"({"op":1,"d":1})");
}

TEST(shard_heartbeat_test, requested_beat_skips_the_ack_check) {
  gateway_pair g;
  g.auto_ack = false;
  g.random_value = 0.0;
  g.start();
  // The scheduled beat at t0 is unacknowledged, yet a requested beat still goes out.
  g.advance(milliseconds(500));
  g.send(R"({"op":1,"d":null})");
  EXPECT_EQ(g.count(1), 2u);
  EXPECT_TRUE(g.closes.empty());
}

TEST(shard_heartbeat_test, requested_beat_keeps_the_schedule) {
  gateway_pair g;
  g.random_value = 0.5;
  g.start();
  g.advance(milliseconds(200));
  g.send(R"({"op":1,"d":null})");
  g.advance(milliseconds(300));
  auto beats = g.sent_with(1);
  ASSERT_EQ(beats.size(), 2u);
  EXPECT_EQ(beats[1].at, t0 + milliseconds(500));
}

TEST(shard_heartbeat_test, heartbeats_go_out_while_the_command_window_is_full) {
  auto o = gateway_pair::default_options();
  o.send_limit = {.limit = 10, .window = seconds(60), .reserved = 3};
  gateway_pair g(o);
  g.random_value = 0.0;
  g.start();
  for (int i = 0; i < 20; ++i) {
    ASSERT_FALSE(g.client().send_command(opcode::request_guild_members,
                                         R"({"guild_id":"1","query":"","limit":0})", g.now()));
  }
  g.advance(milliseconds(2500));
  EXPECT_EQ(g.count(8), 6u);  // 10 minus 3 reserved, minus the identify
  EXPECT_EQ(g.count(1), 3u);  // at 0, 1 s and 2 s
}

TEST(shard_heartbeat_test, case_g05_unacknowledged_beat_zombies_the_connection) {
  gateway_pair g;
  g.random_value = 0.0;
  g.start();
  g.dispatch("MESSAGE_CREATE");
  g.advance(milliseconds(2000));  // two beats, both acknowledged
  ASSERT_EQ(g.count(1), 3u);
  g.auto_ack = false;
  g.advance(milliseconds(1000));  // this beat gets no ACK
  EXPECT_TRUE(g.closes.empty());
  g.advance(milliseconds(1000));  // the next is due: zombied

  ASSERT_EQ(g.closes.size(), 1u);
  EXPECT_GE(g.closes[0].code, 4000);
  EXPECT_LE(g.closes[0].code, 4999);
  EXPECT_EQ(g.events_of<reconnecting_event>().at(0).reason, error::zombied_connection);
  ASSERT_EQ(g.connects.size(), 2u);
  EXPECT_EQ(g.connects[1].url, "wss://resume.test/?v=10&encoding=json");
  EXPECT_TRUE(g.connects[1].resume);
  ASSERT_EQ(g.count(6), 1u);
  EXPECT_EQ(g.sent_with(6)[0].d.at("seq"), 2);
  EXPECT_EQ(g.count(2), 1u);  // no second identify
}

TEST(shard_heartbeat_test, case_g05_zombie_is_detected_within_two_intervals) {
  gateway_pair g;
  g.random_value = 0.0;
  g.start();
  g.auto_ack = false;  // silent from the first beat
  g.advance(milliseconds(999));
  EXPECT_TRUE(g.closes.empty());
  g.advance(milliseconds(1));
  EXPECT_EQ(g.closes.size(), 1u);
}

TEST(shard_heartbeat_test, acknowledged_beat_gives_the_latency) {
  gateway_pair g;
  g.random_value = 0.0;
  g.auto_ack = false;
  g.start();
  g.advance(milliseconds(0));
  EXPECT_FALSE(g.client().heartbeat_latency().has_value());
  g.advance(milliseconds(35));
  g.send(R"({"t":null,"s":null,"op":11,"d":null})");
  EXPECT_EQ(g.client().heartbeat_latency(), milliseconds(35));
}

TEST(shard_heartbeat_test, heartbeat_stops_with_the_connection) {
  gateway_pair g;
  g.start();
  g.client().close(g.now());
  g.advance(seconds(10));
  EXPECT_EQ(g.count(1), 0u);
  EXPECT_FALSE(g.client().poll_timeout().has_value());
}

}  // namespace
}  // namespace gatehouse::core
