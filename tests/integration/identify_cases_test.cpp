// The identify limit cases (G15, G16, G21): the shard manager over real client shards, with
// the test gateway enforcing the concurrency buckets, the session-start budget and the
// per-shard guild cap.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <set>

#include "harness.hpp"
#include "shards/shard_manager.hpp"
#include "transport/log_capture.hpp"

namespace gatehouse::integration {
namespace {

namespace json = boost::json;
using testgw::fault_kind;

// Identify refusals the gateway answered with op 9 false: the bucket window or the budget.
std::uint64_t identify_limit_violations(const json::value& r) {
  std::uint64_t n = 0;
  for (const auto& c : report::connections(r)) {
    for (const auto& v : c.at("violations").as_array()) {
      const auto what = std::string_view(v.at("what").as_string());
      n += what.starts_with("identify within") || what.starts_with("session start") ? 1 : 0;
    }
  }
  return n;
}

std::uint64_t identifies(const json::value& r) {
  return report::received(r, 2);
}

// A manager for the gateway, with the client timings scaled like fast_client().
shards::manager_options manager_for(const testgw::test_gateway& gateway) {
  shards::manager_options m;
  m.token = std::string(test_token);
  m.api_base = gateway.api_base();
  m.intents = 1;  // GUILDS
  m.identify_window = client_identify_window(gateway.options());
  m.connect_timeout = 1000ms;
  m.handshake_timeout = 1000ms;
  m.advanced = scale_core;
  return m;
}

// A manager with every event and lifecycle step kept.
struct recorded_manager {
  recorded_manager(boost::asio::io_context& io, shards::manager_options o)
      : manager(io, std::move(o)) {
    manager.on_event([this](const shards::manager_event& e) { events.push_back(e); });
    manager.on_lifecycle([this](const lifecycle_event& e) {
      lifecycle.push_back(e);
      if (then) {
        then(e);
      }
    });
  }

  std::size_t active() const {
    std::size_t n = 0;
    for (const auto& s : manager.status()) {
      n += s.phase == shards::shard_phase::active ? 1 : 0;
    }
    return n;
  }

  std::size_t count(lifecycle_kind kind, std::uint32_t shard) const {
    return static_cast<std::size_t>(
        std::count_if(lifecycle.begin(), lifecycle.end(),
                      [&](const auto& e) { return e.kind == kind && e.shard_id == shard; }));
  }

  bool saw(shards::manager_event_kind kind) const {
    return std::any_of(events.begin(), events.end(),
                       [kind](const auto& e) { return e.kind == kind; });
  }

  shards::shard_manager manager;
  std::vector<shards::manager_event> events;
  std::vector<lifecycle_event> lifecycle;
  std::function<void(const lifecycle_event&)> then;
};

TEST(identify_queue_test, case_g15_sixteen_shards_in_four_buckets_without_violations) {
  auto o = fast_gateway();
  o.max_concurrency = 4;
  o.identify_window = 300ms;
  loopback net(o);
  auto m = manager_for(net.gateway);
  m.shard_count = 16;
  recorded_manager run(net.io, m);

  const auto started = std::chrono::steady_clock::now();
  ASSERT_FALSE(run.manager.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return run.active() == 16; }, 15s));

  // Four rows of four: about three windows, with slack for loopback and the client's margin.
  EXPECT_LE(std::chrono::steady_clock::now() - started, 4 * m.identify_window + 1500ms);
  auto r = net.gateway.report();
  EXPECT_EQ(identify_limit_violations(r), 0u);
  EXPECT_EQ(identifies(r), 16u);

  // Two shards of bucket 1 lose their sessions at once: the second waits its bucket's turn.
  const auto ready_before =
      run.count(lifecycle_kind::ready, 1) + run.count(lifecycle_kind::ready, 5);
  net.gateway.inject({.kind = fault_kind::invalid_session, .shard = 1, .resumable = false});
  net.gateway.inject({.kind = fault_kind::invalid_session, .shard = 5, .resumable = false});
  ASSERT_TRUE(run_until(
      net.io,
      [&] {
        return run.count(lifecycle_kind::ready, 1) + run.count(lifecycle_kind::ready, 5) ==
                   ready_before + 2 &&
               run.active() == 16;
      },
      10s));

  r = net.gateway.report();
  EXPECT_EQ(identify_limit_violations(r), 0u);
  EXPECT_EQ(identifies(r), 18u);
  EXPECT_GE(run.count(lifecycle_kind::identify_waiting, 1) +
                run.count(lifecycle_kind::identify_waiting, 5),
            1u);
}

TEST(identify_queue_test, case_g16_session_start_budget_is_never_exceeded_across_a_restart) {
  auto o = fast_gateway();
  o.session_starts = {.total = 2, .remaining = 2, .reset_after = 3000ms};
  loopback net(o);
  const auto budget_reset = std::chrono::steady_clock::now() + 3000ms;
  auto m = manager_for(net.gateway);
  m.shard_count = 1;

  // Two identifies: the first session, and one after op 9 false.
  {
    recorded_manager first(net.io, m);
    ASSERT_FALSE(first.manager.start());
    ASSERT_TRUE(run_until(
        net.io, [&] { return first.active() == 1; }, 5s));
    net.gateway.inject({.kind = fault_kind::invalid_session, .resumable = false});
    ASSERT_TRUE(run_until(
        net.io, [&] { return first.count(lifecycle_kind::ready, 0) == 2 && first.active(); }, 5s));
    net.gateway.inject({.kind = fault_kind::invalid_session, .resumable = false});
    run_for(net.io, 400ms);
    ASSERT_LT(std::chrono::steady_clock::now(), budget_reset);
    EXPECT_EQ(identifies(net.gateway.report()), 2u);
    EXPECT_GE(first.count(lifecycle_kind::identify_waiting, 0), 1u);
  }

  // A new process learns from GET /gateway/bot that nothing is left, and waits for the reset.
  const auto logged = testing::log_capture::instance().size();
  recorded_manager second(net.io, m);
  ASSERT_FALSE(second.manager.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return second.count(lifecycle_kind::identify_waiting, 0) >= 1; }, 5s));
  EXPECT_TRUE(testing::log_capture::instance().contains("session start budget used up", logged));
  EXPECT_EQ(identifies(net.gateway.report()), 2u);

  ASSERT_TRUE(run_until(
      net.io, [&] { return second.active() == 1; }, 6s));
  EXPECT_GE(std::chrono::steady_clock::now(), budget_reset - 50ms);
  const auto r = net.gateway.report();
  EXPECT_EQ(identifies(r), 3u);
  EXPECT_EQ(identify_limit_violations(r), 0u);
}

testgw::gateway_options twelve_guilds_five_per_shard() {
  auto o = fast_gateway();
  o.world.guild_count = 12;
  o.world.max_guilds_per_shard = 5;
  return o;
}

TEST(sharding_test, case_g21_4011_without_resharding_is_fatal_and_not_retried) {
  loopback net(twelve_guilds_five_per_shard());
  auto m = manager_for(net.gateway);
  m.shard_count = 1;
  m.reshard_on_4011 = false;
  recorded_manager run(net.io, m);
  ASSERT_FALSE(run.manager.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return run.saw(shards::manager_event_kind::fatal); }, 5s));
  run_for(net.io, 1500ms);

  const auto fatal = std::find_if(run.events.begin(), run.events.end(), [](const auto& e) {
    return e.kind == shards::manager_event_kind::fatal;
  });
  EXPECT_EQ(fatal->close_code, 4011);
  const auto needed = std::to_string(net.gateway.content().recommended_shards());
  EXPECT_NE(fatal->message.find("recommends " + needed + " shards"), std::string::npos)
      << fatal->message;
  EXPECT_EQ(identifies(net.gateway.report()), 1u);
}

TEST(sharding_test, case_g21_4011_reshards_to_the_recommended_count) {
  loopback net(twelve_guilds_five_per_shard());
  auto m = manager_for(net.gateway);
  m.shard_count = 1;
  recorded_manager run(net.io, m);
  ASSERT_FALSE(run.manager.start());

  // The smallest count that keeps every shard at five guilds or fewer (routing is by id).
  const auto needed = static_cast<std::uint32_t>(net.gateway.content().recommended_shards());
  ASSERT_GT(needed, 1u);
  ASSERT_TRUE(run_until(
      net.io, [&] { return run.manager.shard_count() == needed && run.active() == needed; }, 10s));

  EXPECT_TRUE(run.saw(shards::manager_event_kind::resharding));
  const auto r = net.gateway.report();
  std::set<std::string> shards;
  for (const auto& s : r.at("sessions").as_array()) {
    shards.insert(json::serialize(s.at("shard")));
  }
  std::set<std::string> expected;
  for (std::uint32_t i = 0; i < needed; ++i) {
    expected.insert("[" + std::to_string(i) + "," + std::to_string(needed) + "]");
  }
  EXPECT_EQ(shards, expected);
  EXPECT_EQ(identifies(r), needed + 1);
  EXPECT_EQ(identify_limit_violations(r), 0u);
}

}  // namespace
}  // namespace gatehouse::integration
