// The heartbeat cases (G05, G07): zombied connections resume, and heartbeats carry the right
// sequence from Hello onwards, across resumes and new sessions.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>

#include "core/error.hpp"
#include "harness.hpp"

namespace gatehouse::integration {
namespace {

namespace json = boost::json;

// A dispatch with no guild, which the gateway routes to shard 0 whatever the intents.
void send_typing(testgw::test_gateway& gateway, int count) {
  for (int i = 0; i < count; ++i) {
    gateway.dispatch("TYPING_START", json::object{{"n", i}});
  }
}

// The connection the session `id` is attached to last, from the report.
std::optional<json::object> last_connection_of(const json::value& r, const std::string& id) {
  std::optional<json::object> found;
  for (auto& c : report::connections(r)) {
    if (c.at("session_id").is_string() && c.at("session_id").as_string() == id) {
      found = c;
    }
  }
  return found;
}

// READY is s=1 and nine dispatches follow it: the client's sequence is 10.
void reach_sequence_10(loopback& net, recorded_client& client) {
  ASSERT_NO_FATAL_FAILURE(start_active(net, client));
  send_typing(net.gateway, 9);
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.dispatches().back().sequence == 10; }, 5s));
}

testgw::gateway_options without_guilds(milliseconds heartbeat) {
  auto o = fast_gateway();
  o.heartbeat_interval = heartbeat;
  o.world.guild_count = 0;  // READY is s=1 and nothing follows it unless a test sends it
  return o;
}

TEST(heartbeat_test, case_g05_zombied_connection_resumes_on_the_resume_url) {
  constexpr auto interval = 200ms;
  auto options = fast_gateway();
  options.heartbeat_interval = interval;
  loopback net(options);
  recorded_client client(net.io, fast_client(net.gateway));
  ASSERT_NO_FATAL_FAILURE(start_active(net, client));

  // Two ACKed heartbeats, then silence: TCP stays open, nothing is read or sent.
  ASSERT_TRUE(run_until(
      net.io,
      [&] {
        auto c = last_connection_of(net.gateway.report(), client.session_id());
        return c && c->at("acks_sent").to_number<int>() >= 2;
      },
      5s));
  const auto silent_at = std::chrono::steady_clock::now();
  net.gateway.inject(
      {.kind = testgw::fault_kind::go_silent, .session_id = client.session_id(), .lasting = 3s});
  const std::uint64_t last_seq = client.dispatches().back().sequence;

  // Dispatches the silent connection never delivers: the resume must replay exactly these.
  constexpr int missed = 3;
  send_typing(net.gateway, missed);

  std::chrono::steady_clock::time_point zombied_at{};
  client.then = [&](const lifecycle_event& e) {
    if (e.kind == lifecycle_kind::reconnecting && zombied_at == decltype(zombied_at){}) {
      zombied_at = std::chrono::steady_clock::now();
    }
  };
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.count(lifecycle_kind::resumed) == 1 && client.is_active(); },
      5s));

  // Detected within two intervals (plus loopback slack), healed by a resume, not an identify.
  const auto reconnect = *client.last(lifecycle_kind::reconnecting);
  EXPECT_EQ(reconnect.reason, error::zombied_connection);
  EXPECT_TRUE(reconnect.resume);
  EXPECT_LE(zombied_at - silent_at, 2 * interval + 250ms);

  const auto r = net.gateway.report();
  const auto resumed = report::connections_on(r, "resume");
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(report::opcode_count(resumed[0], 6), 1u);
  EXPECT_EQ(report::opcode_count(resumed[0], 2), 0u);
  EXPECT_EQ(report::received(r, 2), 1u);

  // The replay held the missed dispatches and RESUMED only: op 6 carried the last sequence.
  EXPECT_EQ(resumed[0].at("dispatches_sent").to_number<int>(), missed + 1);
  EXPECT_EQ(client.dispatches().back().sequence, last_seq + missed + 1);
}

TEST(heartbeat_test, case_g07_heartbeats_with_null_sequence_while_ready_is_held) {
  auto options = without_guilds(100ms);
  loopback net(options);
  net.gateway.inject({.kind = testgw::fault_kind::delay_ready, .delay = 600ms});
  recorded_client client(net.io, fast_client(net.gateway));
  ASSERT_NO_FATAL_FAILURE(start_active(net, client));

  const auto conns = report::connections(net.gateway.report());
  ASSERT_EQ(conns.size(), 1u);
  int null_beats = 0;
  for (const auto& d : report::heartbeats(conns[0])) {
    null_beats += d.is_null() ? 1 : 0;
  }
  EXPECT_GE(null_beats, 2);
  EXPECT_EQ(client.count(lifecycle_kind::reconnecting), 0u);
}

TEST(heartbeat_test, case_g07_resume_carries_the_last_dispatch_sequence) {
  loopback net(without_guilds(100ms));
  recorded_client client(net.io, fast_client(net.gateway));
  ASSERT_NO_FATAL_FAILURE(reach_sequence_10(net, client));
  // Frames with a null s (op 1, op 11) change nothing.
  net.gateway.inject({.kind = testgw::fault_kind::heartbeat_request});
  run_for(net.io, 250ms);
  const auto first = report::connections(net.gateway.report()).front();
  const auto beats = report::heartbeats(first);
  ASSERT_FALSE(beats.empty());
  EXPECT_EQ(beats.back(), json::value(10));

  net.gateway.inject({.kind = testgw::fault_kind::close, .code = 4000});
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.count(lifecycle_kind::resumed) == 1 && client.is_active(); },
      5s));

  // Nothing was replayed but RESUMED: op 6 carried seq=10.
  const auto resumed = report::connections_on(net.gateway.report(), "resume");
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].at("dispatches_sent").to_number<int>(), 1);
  EXPECT_EQ(client.lifecycle().back().replayed, 0u);
}

TEST(heartbeat_test, case_g07_new_session_after_op9_false_resets_the_sequence) {
  loopback net(without_guilds(100ms));
  recorded_client client(net.io, fast_client(net.gateway));
  ASSERT_NO_FATAL_FAILURE(reach_sequence_10(net, client));
  const auto old_session = client.session_id();

  net.gateway.inject({.kind = testgw::fault_kind::invalid_session, .resumable = false});
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.count(lifecycle_kind::ready) == 2; }, 5s));
  ASSERT_NE(client.session_id(), old_session);

  // Heartbeats on the new session's connection carry null before READY, then d=1 (READY).
  std::optional<json::object> conn;
  ASSERT_TRUE(run_until(
      net.io,
      [&] {
        conn = last_connection_of(net.gateway.report(), client.session_id());
        if (!conn) {
          return false;
        }
        const auto beats = report::heartbeats(*conn);
        return std::any_of(beats.begin(), beats.end(), [](const auto& d) { return !d.is_null(); });
      },
      5s));
  for (const auto& d : report::heartbeats(*conn)) {
    EXPECT_TRUE(d.is_null() || d == json::value(1)) << json::serialize(d);
  }
}

}  // namespace
}  // namespace gatehouse::integration
