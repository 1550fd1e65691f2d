// The test gateway's bench mode against the real client: after READY and the guilds, N
// pre-rendered dispatches written below Beast, then BENCH_DONE, for each transport compression,
// and the live stream still decodes after the body was spliced into it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "harness.hpp"

namespace gatehouse::integration {
namespace {

namespace json = boost::json;

constexpr std::uint64_t bench_events = 5000;

// Short timings, but a heartbeat slow enough that the ACK waiting behind the body never
// looks like a zombied connection on a loaded machine.
testgw::gateway_options bench_gateway() {
  auto o = fast_gateway();
  o.heartbeat_interval = 1000ms;
  o.heartbeat_grace = 1000ms;
  o.bench_events = bench_events;
  o.bench_generator.pool_size = 512;
  return o;
}

bool has_dispatch(const recorded_client& c, std::string_view name) {
  for (const auto& d : c.dispatches()) {
    if (d.name == name) {
      return true;
    }
  }
  return false;
}

// The session's entry in the gateway's report.
json::object session_entry(const json::value& report) {
  const auto& sessions = report.at("sessions").as_array();
  return sessions.empty() ? json::object{} : sessions.back().as_object();
}

void expect_bench_stream(compression kind) {
  loopback net(bench_gateway());
  auto options = fast_client(net.gateway);
  options.transport_compression = kind;
  recorded_client client(net.io, options);
  client.keep_data(true);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return has_dispatch(client, "BENCH_DONE"); }, 20s));

  // READY, a GUILD_CREATE per guild, the body, BENCH_DONE: consecutive from 1.
  const std::size_t guilds = net.gateway.content().guilds().size();
  const auto& got = client.dispatches();
  ASSERT_EQ(got.size(), 1 + guilds + bench_events + 1);
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].sequence, i + 1) << got[i].name;
  }
  EXPECT_EQ(got.front().name, "READY");
  EXPECT_EQ(got[guilds].name, "GUILD_CREATE");
  EXPECT_EQ(got.back().name, "BENCH_DONE");
  EXPECT_EQ(json::parse(got.back().data), (json::object{{"events", bench_events}}));
  for (std::size_t i = 1 + guilds; i < got.size() - 1; ++i) {
    ASSERT_TRUE(json::parse(got[i].data).is_object()) << got[i].name << " s=" << i + 1;
  }

  // The live stream goes on after the splice: a dispatch and heartbeat ACKs decode.
  const json::value after = json::object{{"after", "the body"}};
  net.gateway.dispatch("AFTER_BENCH", after);
  ASSERT_TRUE(run_until(
      net.io, [&] { return has_dispatch(client, "AFTER_BENCH"); }, 5s));
  EXPECT_EQ(client.dispatches().back().data, json::serialize(after));
  EXPECT_EQ(client.dispatches().back().sequence, got.size());
  const auto acks = [&] {
    return report::connections(net.gateway.report()).at(0).at("acks_sent").as_uint64();
  };
  const auto acks_before = acks();
  ASSERT_TRUE(run_until(
      net.io, [&] { return acks() >= acks_before + 2; }, 5s));
  run_for(net.io, 100ms);
  EXPECT_EQ(client.count(lifecycle_kind::reconnecting), 0u);
  EXPECT_TRUE(client.is_active());

  // The gateway saw nothing wrong and timed the whole body.
  const auto report = net.gateway.report();
  EXPECT_EQ(report::all_violations(report), 0u);
  const auto session = session_entry(report);
  ASSERT_TRUE(session.contains("bench"));
  const auto& bench = session.at("bench").as_object();
  EXPECT_EQ(bench.at("events").as_uint64(), bench_events);
  EXPECT_TRUE(bench.at("complete").as_bool());
  EXPECT_GT(bench.at("bytes").as_uint64(), bench_events * 8);
  EXPECT_GT(bench.at("seconds").as_double(), 0.0);
}

TEST(bench_stream_loopback_test, plain_client_gets_the_body_and_bench_done) {
  expect_bench_stream(compression::none);
}

TEST(bench_stream_loopback_test, zlib_stream_client_decodes_the_spliced_body) {
  expect_bench_stream(compression::zlib_stream);
}

TEST(bench_stream_loopback_test, zstd_stream_client_decodes_the_body_frame) {
  expect_bench_stream(compression::zstd_stream);
}

TEST(bench_stream_loopback_test, resumed_session_does_not_get_the_body_again) {
  loopback net(bench_gateway());
  auto options = fast_client(net.gateway);
  recorded_client client(net.io, options);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return has_dispatch(client, "BENCH_DONE"); }, 20s));
  const auto before = client.dispatches().size();

  // A drop after the body: the resume replays nothing and only RESUMED follows.
  net.gateway.inject({.kind = testgw::fault_kind::drop});
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.count(lifecycle_kind::resumed) == 1 && client.is_active(); },
      5s));
  run_for(net.io, 200ms);
  EXPECT_EQ(client.last(lifecycle_kind::resumed)->replayed, 0u);
  ASSERT_EQ(client.dispatches().size(), before + 1);
  EXPECT_EQ(client.dispatches().back().name, "RESUMED");
  EXPECT_EQ(report::all_violations(net.gateway.report()), 0u);
}

TEST(bench_stream_loopback_test, close_fault_mid_body_drops_the_rest_and_the_client_recovers) {
  auto o = bench_gateway();
  o.bench_events = 30000;  // ~90 MB: far more than the socket buffers hold
  loopback net(o);
  auto options = fast_client(net.gateway);
  options.transport_compression = compression::none;
  recorded_client client(net.io, options);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.dispatches().size() > 1000; }, 20s));

  // 4000 lets the client resume; the body cannot be replayed, so it identifies again.
  net.gateway.inject({.kind = testgw::fault_kind::close, .code = 4000, .reason = "cut"});
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.count(lifecycle_kind::ready) == 2; }, 20s));
  const auto report = net.gateway.report();
  const auto first = report::connections(report).at(0);
  EXPECT_EQ(report::close_code(first), 4000);
  EXPECT_FALSE(first.at("bench").at("complete").as_bool());
}

}  // namespace
}  // namespace gatehouse::integration
