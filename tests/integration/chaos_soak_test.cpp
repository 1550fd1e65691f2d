// The chaos soak: the test gateway streams numbered dispatches to one real client while
// applying at least a thousand random disruptions. Every dispatch of a session that survives
// must reach the application exactly once and in order; the rest are counted apart.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>

#include "core/close_code.hpp"
#include "harness.hpp"

namespace gatehouse::integration {
namespace {

namespace json = boost::json;
using testgw::fault_kind;

constexpr int min_disruptions = 1000;
constexpr auto time_budget = 100s;

// Faster than fast_gateway(): the soak's time goes into disruptions, not into waiting.
testgw::gateway_options soak_gateway() {
  auto o = fast_gateway();
  o.heartbeat_interval = 60ms;
  o.heartbeat_grace = 500ms;
  o.identify_window = 30ms;
  return o;
}

void soak_core(core::shard_options& o) {
  scale_core(o);
  o.backoff.base = 5ms;
  o.backoff.cap = 50ms;
  o.backoff.reset_after = 10ms;
  o.invalid_session_min_wait = 10ms;
  o.invalid_session_max_wait = 40ms;
}

enum class disruption {
  reconnect,
  invalid_resumable,
  invalid_not_resumable,
  zombie,
  drop,
  close_4000,
  close_4007,
  close_4009,
  refuse_resume,
  count
};

void apply(testgw::test_gateway& gateway, disruption d, const std::string& session) {
  switch (d) {
    case disruption::reconnect:
      return gateway.inject({.kind = fault_kind::reconnect});
    case disruption::invalid_resumable:
      return gateway.inject({.kind = fault_kind::invalid_session, .resumable = true});
    case disruption::invalid_not_resumable:
      return gateway.inject({.kind = fault_kind::invalid_session, .resumable = false});
    case disruption::zombie:
      // Only the connection the session is on now; the next one answers again.
      return gateway.inject({.kind = fault_kind::go_silent, .session_id = session, .lasting = 1s});
    case disruption::drop:
      return gateway.inject({.kind = fault_kind::drop});
    case disruption::close_4000:
      return gateway.inject({.kind = fault_kind::close, .code = 4000});
    case disruption::close_4007:
      return gateway.inject({.kind = fault_kind::close, .code = 4007});
    case disruption::close_4009:
      return gateway.inject({.kind = fault_kind::close, .code = 4009});
    case disruption::refuse_resume:
      // The next resume connection is refused, then the current connection dropped.
      gateway.inject({.kind = fault_kind::refuse_resume, .count = 1, .lasting = 2s});
      return gateway.inject({.kind = fault_kind::drop});
    case disruption::count:
      break;
  }
}

struct tally {
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t invalidated = 0;  // after the last delivery of a session the gateway ended
  std::uint64_t abandoned = 0;    // of sessions the client could not or would not resume
};

TEST(chaos_soak_test, thousand_disruptions_lose_and_repeat_no_dispatch) {
  loopback net(soak_gateway());
  auto options = fast_client(net.gateway);
  options.advanced = soak_core;
  recorded_client client(net.io, options);
  ASSERT_NO_FATAL_FAILURE(start_active(net, client));

  // Disrupt, stream, and sometimes strike again before the client has recovered.
  std::mt19937 random(20261203);
  std::map<disruption, int> applied;
  std::map<disruption, int> unnoticed;  // no reconnect followed (struck between connections)
  int disruptions = 0;
  std::uint64_t numbered = 0;
  const auto started = std::chrono::steady_clock::now();
  while (disruptions < min_disruptions &&
         std::chrono::steady_clock::now() - started < time_budget) {
    for (int n = static_cast<int>(random() % 8); n > 0; --n) {
      net.gateway.dispatch("SOAK_EVENT", json::object{{"n", numbered++}});
    }
    const auto d = static_cast<disruption>(random() % static_cast<unsigned>(disruption::count));
    apply(net.gateway, d, client.session_id());
    ++applied[d];
    ++disruptions;

    // Mostly the client sees the disruption and recovers before the next one; sometimes the
    // next one strikes while it is still reconnecting, resuming or waiting.
    if (random() % 10 < 8) {
      const auto seen = client.count(lifecycle_kind::reconnecting);
      if (!run_until(
              net.io, [&] { return client.count(lifecycle_kind::reconnecting) > seen; }, 300ms)) {
        ++unnoticed[d];
      }
      ASSERT_TRUE(run_until(
          net.io, [&] { return client.is_active(); }, 10s))
          << "not active again after disruption " << disruptions;
    } else {
      run_for(net.io, milliseconds(random() % 5));
    }
    if (disruptions % 100 == 0) {
      net.gateway.clear_faults();  // lasting ones have done their part
    }
  }
  for (const auto& [d, n] : unnoticed) {
    std::printf("unnoticed: kind=%d count=%d of %d\n", static_cast<int>(d), n, applied[d]);
  }
  ASSERT_GE(disruptions, min_disruptions);

  // Calm: the current session catches up with everything the gateway holds for it.
  net.gateway.clear_faults();
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.is_active(); }, 10s));
  net.gateway.dispatch("SOAK_EVENT", json::object{{"n", numbered++}});
  const auto final_session = client.session_id();
  ASSERT_TRUE(run_until(
      net.io,
      [&] {
        const auto s = net.gateway.session_report(final_session);
        return !client.dispatches().empty() &&
               client.dispatches().back().session_id == final_session &&
               client.dispatches().back().sequence == s.at("sequence").to_number<std::uint64_t>();
      },
      10s));

  // What each session delivered, in arrival order.
  std::map<std::string, std::vector<std::uint64_t>> by_session;
  for (const auto& d : client.dispatches()) {
    by_session[d.session_id].push_back(d.sequence);
  }

  const auto r = net.gateway.report();
  tally t;
  for (const auto& s : r.at("sessions").as_array()) {
    const std::string id(s.at("session_id").as_string());
    const auto held = s.at("sequence").to_number<std::uint64_t>();
    const std::string state(s.at("state").as_string());
    std::uint64_t last = 0;
    for (const auto seq : by_session[id]) {
      if (seq <= last) {
        ++t.duplicated;
        continue;
      }
      t.lost += seq - last - 1;  // a gap inside what was delivered
      last = seq;
      ++t.delivered;
    }

    // The tail after the last delivery: lost if the session lives on in the client.
    const std::uint64_t tail = held > last ? held - last : 0;
    if (id == final_session) {
      t.lost += tail;
    } else if (state == "ended" || state == "timed_out") {
      t.invalidated += tail;
    } else {
      t.abandoned += tail;
    }
  }

  // Violations the rules name: 4003, 4008 and identifies beyond the limits.
  std::uint64_t identify_limit = 0;
  std::uint64_t retried_fatal = 0;
  const auto conns = report::connections(r);
  for (std::size_t i = 0; i < conns.size(); ++i) {
    for (const auto& v : conns[i].at("violations").as_array()) {
      const std::string_view what(v.at("what").as_string());
      identify_limit += what.starts_with("identify within") || what.starts_with("session start");
    }
    const auto code = report::close_code(conns[i]);
    retried_fatal += code && core::is_fatal(*code) && i + 1 < conns.size() ? 1 : 0;
  }
  const auto v4003 = report::violations_with(r, 4003);
  const auto v4008 = report::violations_with(r, 4008);
  const auto violations = report::all_violations(r);

  std::printf(
      "chaos soak: disruptions=%d dispatches=%llu delivered=%llu lost=%llu duplicated=%llu "
      "invalidated=%llu abandoned=%llu violations=%llu reconnects=%zu sessions=%zu "
      "seconds=%.1f\n",
      disruptions, static_cast<unsigned long long>(numbered),
      static_cast<unsigned long long>(t.delivered), static_cast<unsigned long long>(t.lost),
      static_cast<unsigned long long>(t.duplicated), static_cast<unsigned long long>(t.invalidated),
      static_cast<unsigned long long>(t.abandoned), static_cast<unsigned long long>(violations),
      client.count(lifecycle_kind::reconnecting), r.at("sessions").as_array().size(),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  for (const auto& c : conns) {
    for (const auto& v : c.at("violations").as_array()) {
      std::printf("violation: %s\n", json::serialize(v).c_str());
    }
  }
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.duplicated, 0u);
  EXPECT_EQ(v4003, 0u);
  EXPECT_EQ(v4008, 0u);
  EXPECT_EQ(identify_limit, 0u);
  EXPECT_EQ(retried_fatal, 0u);
  EXPECT_EQ(client.count(lifecycle_kind::fatal), 0u);
  for (int d = 0; d < static_cast<int>(disruption::count); ++d) {
    EXPECT_GT(applied[static_cast<disruption>(d)], 0) << "disruption kind " << d;
  }
}

}  // namespace
}  // namespace gatehouse::integration
