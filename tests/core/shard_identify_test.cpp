// Tests for identify: its payload, once per connection, and the identify queue
// (gateway-spec.md §3.3, §5.2, §5.3; cases G15, G16).
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "gateway_pair.hpp"

namespace gatehouse::core {
namespace {

using testing::gateway_pair;
namespace json = boost::json;

TEST(shard_identify_test, identify_follows_hello_with_every_field) {
  auto o = gateway_pair::default_options();
  o.large_threshold = 250;
  o.presence = R"({"since":null,"activities":[],"status":"idle","afk":false})";
  gateway_pair g(o);
  g.start();
  auto ids = g.sent_with(2);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0].d, json::parse(R"({"token":"test-token-not-real.abc.def","intents":513,
      "properties":{"os":"linux","browser":"gatehouse","device":"gatehouse"},"compress":false,
      "large_threshold":250,
      "presence":{"since":null,"activities":[],"status":"idle","afk":false}})"));
}

TEST(shard_identify_test, shard_is_sent_when_sharded) {
  auto o = gateway_pair::default_options();
  o.shard_id = 1;
  o.shard_count = 4;
  gateway_pair g(o);
  g.start();
  EXPECT_EQ(g.sent_with(2).at(0).d.at("shard"), json::parse("[1,4]"));
}

TEST(shard_identify_test, shard_is_left_out_when_unsharded) {
  gateway_pair g;
  g.start();
  EXPECT_FALSE(g.sent_with(2).at(0).d.as_object().contains("shard"));
}

TEST(shard_identify_test, identify_is_sent_once_per_connection) {
  gateway_pair g;
  g.auto_ready = false;
  g.start();
  g.send(R"({"op":10,"d":{"heartbeat_interval":1000}})");  // a second Hello is ignored
  g.advance(seconds(10));
  EXPECT_EQ(g.count(2), 1u);
}

TEST(shard_identify_test, ready_makes_the_shard_active_with_its_session) {
  gateway_pair g;
  g.start();
  EXPECT_TRUE(g.client().is_active());
  EXPECT_EQ(g.client().session().session_id, "session-1");
  EXPECT_EQ(g.client().session().resume_url, "wss://resume.test");
  auto ready = g.events_of<ready_event>();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].session_id, "session-1");
  ASSERT_EQ(g.dispatches.size(), 1u);
  EXPECT_EQ(g.dispatches[0].name, "READY");
}

TEST(shard_identify_test, ready_without_session_id_replaces_the_connection) {
  gateway_pair g;
  g.auto_ready = false;
  g.start();
  g.send(R"({"t":"READY","s":1,"op":0,"d":{"v":10}})");
  EXPECT_FALSE(g.client().is_active());
  EXPECT_EQ(g.events_of<reconnecting_event>().at(0).reason, error::malformed_message);
}

TEST(shard_identify_test, no_ready_within_bound_reconnects) {
  auto o = gateway_pair::default_options();
  o.ready_timeout = seconds(10);
  gateway_pair g(o);
  g.auto_ready = false;
  g.start();
  g.advance(seconds(10));
  EXPECT_EQ(g.events_of<reconnecting_event>().at(0).reason, error::ready_timeout);
  EXPECT_EQ(g.closes.at(0).code, resume_close_code);
}

TEST(shard_identify_test, case_g15_identify_waits_for_its_bucket) {
  auto queue = std::make_shared<identify_queue>();
  const time_point t0{};
  ASSERT_TRUE(queue->try_acquire(0, t0));  // another shard of the bucket just identified

  auto o = gateway_pair::default_options();
  o.identify = queue;
  o.shard_id = 1;
  o.shard_count = 2;
  gateway_pair g(o);
  g.start();
  EXPECT_EQ(g.client().state(), shard_state::waiting_identify);
  auto waits = g.events_of<identify_waiting_event>();
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].until, t0 + seconds(5));
  EXPECT_FALSE(waits[0].budget_exhausted);

  g.advance(milliseconds(4999));
  EXPECT_EQ(g.count(2), 0u);
  g.advance(milliseconds(1));
  ASSERT_EQ(g.count(2), 1u);
  EXPECT_EQ(g.sent_with(2)[0].at, t0 + seconds(5));
}

TEST(shard_identify_test, case_g15_shards_in_other_buckets_identify_at_once) {
  auto queue = std::make_shared<identify_queue>(identify_queue::limits{.max_concurrency = 2});
  ASSERT_TRUE(queue->try_acquire(0, time_point{}));
  auto o = gateway_pair::default_options();
  o.identify = queue;
  o.shard_id = 1;
  o.shard_count = 2;
  gateway_pair g(o);
  g.start();
  EXPECT_EQ(g.count(2), 1u);
}

TEST(shard_identify_test, case_g15_reidentify_waits_for_the_bucket) {
  gateway_pair g;
  g.start();  // identified at t0
  g.advance(seconds(1));
  g.server_close(4007);  // a new session is needed at once
  EXPECT_EQ(g.client().state(), shard_state::waiting_identify);
  g.advance(seconds(5));
  auto ids = g.sent_with(2);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[1].at - ids[0].at, seconds(5));
}

TEST(shard_identify_test, heartbeats_continue_while_waiting_to_identify) {
  auto queue = std::make_shared<identify_queue>();
  ASSERT_TRUE(queue->try_acquire(0, time_point{}));
  auto o = gateway_pair::default_options();
  o.identify = queue;
  gateway_pair g(o);
  g.start();
  g.advance(milliseconds(4000));
  EXPECT_GE(g.count(1), 3u);
  EXPECT_EQ(g.count(2), 0u);
}

TEST(shard_identify_test, case_g16_exhausted_budget_waits_for_reset_with_warning) {
  auto queue = std::make_shared<identify_queue>();
  const time_point t0{};
  queue->update_budget(0, t0 + seconds(3600));
  auto o = gateway_pair::default_options();
  o.identify = queue;
  gateway_pair g(o);
  g.start();
  auto waits = g.events_of<identify_waiting_event>();
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_TRUE(waits[0].budget_exhausted);
  EXPECT_EQ(waits[0].until, t0 + seconds(3600));
  g.advance(seconds(3599));
  EXPECT_EQ(g.count(2), 0u);
  g.advance(seconds(1));
  EXPECT_EQ(g.count(2), 1u);
}

TEST(shard_identify_test, case_g16_identifies_never_exceed_the_budget) {
  auto queue = std::make_shared<identify_queue>();
  queue->update_budget(2, time_point{} + seconds(86400));
  auto o = gateway_pair::default_options();
  o.identify = queue;
  gateway_pair g(o);
  g.start();
  // Every session is invalidated at once, so each reconnect wants a new identify.
  for (int i = 0; i < 5; ++i) {
    g.send(R"({"op":9,"d":false})");
    g.advance(seconds(10));
  }
  EXPECT_EQ(g.count(2), 2u);
  EXPECT_TRUE(g.events_of<identify_waiting_event>().back().budget_exhausted);
}

}  // namespace
}  // namespace gatehouse::core
