// Tests for how a shard opens connections: URLs, Hello, the Hello timeout and configuration
// refused before connecting (gateway-spec.md §1.4, §3.1).
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "gateway_pair.hpp"

namespace gatehouse::core {
namespace {

using testing::gateway_pair;

TEST(shard_connect_test, start_connects_to_gateway_url_with_query) {
  gateway_pair g;
  g.auto_hello = false;
  g.start();
  ASSERT_EQ(g.connects.size(), 1u);
  EXPECT_EQ(g.connects[0].url, "wss://gateway.test/?v=10&encoding=json");
  EXPECT_FALSE(g.connects[0].resume);
  EXPECT_EQ(g.client().state(), shard_state::waiting_hello);
}

TEST(shard_connect_test, compression_is_requested_in_the_query) {
  auto o = gateway_pair::default_options();
  o.compression = transport_compression::zstd_stream;
  gateway_pair g(o);
  g.start();
  EXPECT_EQ(g.connects[0].url, "wss://gateway.test/?v=10&encoding=json&compress=zstd-stream");
}

TEST(shard_connect_test, nothing_is_sent_before_hello) {
  gateway_pair g;
  g.auto_hello = false;
  g.start();
  g.advance(seconds(5));
  EXPECT_TRUE(g.sent.empty());
}

TEST(shard_connect_test, hello_event_reports_interval_and_jitter) {
  gateway_pair g;
  g.random_value = 0.25;
  g.start();
  auto hellos = g.events_of<hello_event>();
  ASSERT_EQ(hellos.size(), 1u);
  EXPECT_EQ(hellos[0].heartbeat_interval, milliseconds(1000));
  EXPECT_EQ(hellos[0].first_heartbeat_delay, milliseconds(250));
}

TEST(shard_connect_test, no_hello_within_bound_reconnects) {
  auto o = gateway_pair::default_options();
  o.hello_timeout = seconds(3);
  gateway_pair g(o);
  g.auto_hello = false;
  g.start();
  g.advance(milliseconds(2999));
  EXPECT_EQ(g.connects.size(), 1u);
  g.advance(milliseconds(1));
  ASSERT_EQ(g.closes.size(), 1u);
  EXPECT_EQ(g.closes[0].code, resume_close_code);
  EXPECT_EQ(g.connects.size(), 2u);
  EXPECT_EQ(g.events_of<reconnecting_event>().at(0).reason, error::hello_timeout);
}

TEST(shard_connect_test, malformed_message_replaces_the_connection) {
  gateway_pair g;
  g.start();
  g.send("not json");
  EXPECT_EQ(g.events_of<reconnecting_event>().at(0).reason, error::malformed_message);
  EXPECT_EQ(g.connects.size(), 2u);
}

TEST(shard_connect_test, hello_without_interval_replaces_the_connection) {
  gateway_pair g;
  g.auto_hello = false;
  g.start();
  g.send(R"({"op":10,"d":{}})");
  EXPECT_EQ(g.events_of<reconnecting_event>().at(0).reason, error::malformed_message);
  EXPECT_TRUE(g.sent.empty());
}

TEST(shard_connect_test, unknown_opcode_is_ignored) {
  gateway_pair g;
  g.start();
  g.send(R"({"op":42,"d":null})");
  EXPECT_TRUE(g.client().is_active());
  EXPECT_EQ(g.connects.size(), 1u);
}

TEST(shard_connect_test, connect_failure_retries_with_growing_backoff) {
  auto o = gateway_pair::default_options();
  o.backoff = {.base = seconds(1), .cap = seconds(60), .reset_after = seconds(60)};
  gateway_pair g(o);
  g.accept_connections = false;
  g.random_value = 0.999;
  g.start();
  g.advance(seconds(30));
  auto r = g.events_of<reconnecting_event>();
  ASSERT_GE(r.size(), 5u);
  EXPECT_EQ(r[0].delay, duration::zero());
  EXPECT_GT(r[2].delay, r[1].delay);
  EXPECT_GT(r[3].delay, r[2].delay);
  EXPECT_EQ(r[1].reason, error::connect_failed);
}

TEST(shard_connect_test, case_g04_undefined_intent_bits_stop_before_connecting) {
  auto o = gateway_pair::default_options();
  o.intents = 1u << 30;
  gateway_pair g(o);
  g.start();
  EXPECT_TRUE(g.connects.empty());
  EXPECT_EQ(g.client().state(), shard_state::fatal);
  EXPECT_EQ(g.events_of<fatal_event>().at(0).reason, error::undefined_intent_bits);
}

TEST(shard_connect_test, empty_token_stops_before_connecting) {
  auto o = gateway_pair::default_options();
  o.token.clear();
  gateway_pair g(o);
  g.start();
  EXPECT_TRUE(g.connects.empty());
  EXPECT_EQ(g.events_of<fatal_event>().at(0).reason, error::invalid_token);
}

TEST(shard_connect_test, shard_id_not_below_count_stops_before_connecting) {
  auto o = gateway_pair::default_options();
  o.shard_id = 2;
  o.shard_count = 2;
  gateway_pair g(o);
  g.start();
  EXPECT_TRUE(g.connects.empty());
  EXPECT_EQ(g.events_of<fatal_event>().at(0).reason, error::invalid_shard);
}

}  // namespace
}  // namespace gatehouse::core
