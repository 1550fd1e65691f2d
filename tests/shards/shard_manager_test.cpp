// The shard manager against the in-process test gateway over loopback: planning from
// GET /gateway/bot, identify buckets, resharding on 4011, fatal codes and closing.
#include "shards/shard_manager.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/intents.hpp"
#include "rest/rest_error.hpp"
#include "testgw/server.hpp"

namespace {

using namespace std::chrono_literals;
using gatehouse::shards::manager_event;
using gatehouse::shards::manager_event_kind;
using gatehouse::shards::manager_options;
using gatehouse::shards::shard_manager;
using gatehouse::shards::shard_phase;
namespace testgw = gatehouse::testgw;
namespace json = boost::json;

constexpr auto token = "test-token-not-real.abc.def";
constexpr auto bound = 20s;  // no test may run longer than this

// Discord's rules with short timings: a 300 ms identify window on both sides.
testgw::gateway_options gateway_options() {
  testgw::gateway_options o;
  o.token = token;
  o.heartbeat_interval = 1000ms;
  o.identify_window = 300ms;
  return o;
}

// A test gateway and a shard manager on one io_context, run until `done` or the bound.
struct bench {
  explicit bench(testgw::gateway_options g) : gateway(io, std::move(g)) { gateway.start(); }

  manager_options options() const {
    manager_options o;
    o.token = token;
    o.api_base = gateway.api_base();
    o.intents = gatehouse::core::guilds_intent;
    o.transport_compression = gatehouse::compression::none;
    o.identify_window = 300ms;
    return o;
  }

  // Starts the manager and runs until `done()` holds after an event, or the bound passes.
  void run(shard_manager& m, std::function<bool()> done) {
    done_ = std::move(done);
    m.on_event([this](const manager_event& e) {
      events.push_back(e);
      check();
    });
    m.on_lifecycle([this](const gatehouse::lifecycle_event&) { check(); });
    ASSERT_FALSE(m.start());
    io.run_for(bound);
    io.restart();
  }

  // Closes and runs on until the manager has stopped, within the bound.
  void close(shard_manager& m) {
    done_ = [&m] { return m.is_stopped(); };
    m.close();
    io.run_for(bound);
    io.restart();
  }

  void check() {
    if (done_ && done_()) {
      io.stop();
    }
  }

  const manager_event* find_last(manager_event_kind kind) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->kind == kind) {
        return &*it;
      }
    }
    return nullptr;
  }

  // The report once the gateway has seen every connection end, within the bound.
  json::value report_when_closed() {
    const auto until = std::chrono::steady_clock::now() + bound;
    for (;;) {
      auto r = report();
      const auto& all = r.at("connections").as_array();
      const bool closed = std::all_of(all.begin(), all.end(),
                                      [](const auto& c) { return !c.at("close").is_null(); });
      if (closed || std::chrono::steady_clock::now() > until) {
        return r;
      }
      io.run_for(20ms);
      io.restart();
    }
  }

  bool saw(manager_event_kind kind) const {
    return std::any_of(events.begin(), events.end(),
                       [&](const manager_event& e) { return e.kind == kind; });
  }

  const manager_event* find(manager_event_kind kind) const {
    for (const auto& e : events) {
      if (e.kind == kind) {
        return &e;
      }
    }
    return nullptr;
  }

  // The gateway's report, read on the io_context as the gateway requires.
  json::value report() {
    json::value r;
    boost::asio::post(io, [&] {
      r = gateway.report();
      io.stop();
    });
    io.run_for(bound);
    io.restart();
    return r;
  }

  // Violations the gateway recorded on every connection.
  std::size_t violations() {
    std::size_t n = 0;
    const auto r = report();
    for (const auto& c : r.at("connections").as_array()) {
      n += c.at("violations").as_array().size();
    }
    return n;
  }

  boost::asio::io_context io;
  testgw::test_gateway gateway;
  std::vector<manager_event> events;
  std::function<bool()> done_;
};

bool all_active(const shard_manager& m, std::size_t count) {
  const auto status = m.status();
  return status.size() == count && std::all_of(status.begin(), status.end(), [](const auto& s) {
           return s.phase == shard_phase::active;
         });
}

TEST(shard_manager_test, starts_the_shard_count_gateway_bot_recommends) {
  auto g = gateway_options();
  g.recommended_shards = 3;
  g.max_concurrency = 3;
  bench b(g);
  shard_manager m(b.io, b.options());

  b.run(m, [&] { return all_active(m, 3); });

  ASSERT_TRUE(all_active(m, 3));
  EXPECT_EQ(m.shard_count(), 3u);
  const auto status = m.status();
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(status[i].shard_id, i);
    EXPECT_EQ(status[i].shard_count, 3u);
    EXPECT_EQ(status[i].ready, 1u);
    EXPECT_FALSE(status[i].session_id.empty());
  }
}

TEST(shard_manager_test, gateway_fetched_reports_the_session_start_limit) {
  auto g = gateway_options();
  g.max_concurrency = 2;
  g.session_starts.remaining = 77;
  bench b(g);
  shard_manager m(b.io, b.options());

  b.run(m, [&] { return all_active(m, 1); });

  const auto* fetched = b.find(manager_event_kind::gateway_fetched);
  ASSERT_NE(fetched, nullptr);
  EXPECT_EQ(fetched->max_concurrency, 2u);
  EXPECT_EQ(fetched->session_starts_remaining, 77u);
  EXPECT_EQ(fetched->gateway_url, b.gateway.gateway_url());
}

TEST(shard_manager_test, identifies_at_most_once_per_bucket_per_window) {
  auto g = gateway_options();
  g.recommended_shards = 6;
  g.max_concurrency = 2;
  bench b(g);
  shard_manager m(b.io, b.options());

  b.run(m, [&] { return all_active(m, 6); });

  ASSERT_TRUE(all_active(m, 6));
  EXPECT_EQ(b.violations(), 0u);
}

TEST(shard_manager_test, fixed_shard_ids_run_only_those_shards) {
  auto g = gateway_options();
  g.recommended_shards = 4;
  bench b(g);
  auto o = b.options();
  o.shard_count = 4;
  o.shard_ids = {2};
  shard_manager m(b.io, o);

  b.run(m, [&] { return all_active(m, 1); });

  ASSERT_TRUE(all_active(m, 1));
  EXPECT_EQ(m.status()[0].shard_id, 2u);
  EXPECT_EQ(m.status()[0].shard_count, 4u);
}

TEST(shard_manager_test, reshards_on_4011_with_the_count_gateway_bot_recommends) {
  auto g = gateway_options();
  g.world.guild_count = 12;
  g.world.max_guilds_per_shard = 5;  // 12 guilds need 3 shards
  g.max_concurrency = 3;
  bench b(g);
  auto o = b.options();
  o.shard_count = 1;
  shard_manager m(b.io, o);

  b.run(m, [&] { return m.shard_count() > 1 && all_active(m, m.shard_count()); });

  EXPECT_TRUE(b.saw(manager_event_kind::resharding));
  EXPECT_FALSE(b.saw(manager_event_kind::fatal));
  const auto* refetched = b.find_last(manager_event_kind::gateway_fetched);
  ASSERT_NE(refetched, nullptr);
  EXPECT_GT(refetched->shard_count, 1u);
  EXPECT_EQ(m.shard_count(), refetched->shard_count);
  EXPECT_TRUE(all_active(m, m.shard_count()));
}

TEST(shard_manager_test, sharding_required_without_resharding_says_how_many_shards) {
  auto g = gateway_options();
  g.world.guild_count = 12;
  g.world.max_guilds_per_shard = 5;
  bench b(g);
  auto o = b.options();
  o.shard_count = 1;
  o.reshard_on_4011 = false;
  shard_manager m(b.io, o);

  b.run(m, [&] { return m.is_stopped(); });

  const auto* fatal = b.find(manager_event_kind::fatal);
  ASSERT_NE(fatal, nullptr);
  EXPECT_EQ(fatal->close_code, 4011);
  const auto needed = b.find_last(manager_event_kind::gateway_fetched)->shard_count;
  EXPECT_NE(fatal->message.find("recommends " + std::to_string(needed) + " shards"),
            std::string::npos)
      << fatal->message;
  EXPECT_FALSE(b.saw(manager_event_kind::resharding));
  EXPECT_TRUE(m.is_stopped());
}

TEST(shard_manager_test, rejected_token_is_fatal_before_any_connection) {
  bench b(gateway_options());
  auto o = b.options();
  o.token = "wrong-token-not-real.abc.def";
  shard_manager m(b.io, o);

  b.run(m, [&] { return m.is_stopped(); });

  const auto* fatal = b.find(manager_event_kind::fatal);
  ASSERT_NE(fatal, nullptr);
  EXPECT_EQ(fatal->reason, gatehouse::rest::rest_error::unauthorized);
  EXPECT_TRUE(b.report().at("connections").as_array().empty());
}

TEST(shard_manager_test, fatal_close_stops_every_shard_once) {
  auto g = gateway_options();
  g.recommended_shards = 2;
  g.max_concurrency = 2;
  g.world.application_flags = 0;  // no privileged intent enabled
  bench b(g);
  auto o = b.options();
  o.intents |= gatehouse::core::message_content_intent;
  shard_manager m(b.io, o);

  b.run(m, [&] { return m.is_stopped(); });

  ASSERT_TRUE(m.is_stopped());
  const auto fatals = std::count_if(b.events.begin(), b.events.end(), [](const auto& e) {
    return e.kind == manager_event_kind::fatal;
  });
  EXPECT_EQ(fatals, 1);
  EXPECT_EQ(b.find(manager_event_kind::fatal)->close_code, 4014);
}

TEST(shard_manager_test, close_ends_every_session_with_1000) {
  auto g = gateway_options();
  g.recommended_shards = 2;
  g.max_concurrency = 2;
  bench b(g);
  shard_manager m(b.io, b.options());
  b.run(m, [&] { return all_active(m, 2) || m.is_stopped(); });
  ASSERT_TRUE(all_active(m, 2));

  b.close(m);

  EXPECT_TRUE(m.is_stopped());
  const auto report = b.report_when_closed();
  ASSERT_FALSE(report.at("connections").as_array().empty());
  for (const auto& c : report.at("connections").as_array()) {
    EXPECT_EQ(c.at("close").at("code").to_number<int>(), 1000);
    EXPECT_EQ(c.at("close").at("by").as_string(), "client");
  }
}

TEST(shard_manager_test, refuses_a_shard_id_not_below_the_count) {
  boost::asio::io_context io;
  manager_options o;
  o.token = token;
  o.shard_count = 2;
  o.shard_ids = {2};
  shard_manager m(io, o);

  EXPECT_EQ(m.start(), gatehouse::error::invalid_shard);
}

TEST(shard_manager_test, refuses_an_empty_token) {
  boost::asio::io_context io;
  shard_manager m(io, manager_options{});

  EXPECT_EQ(m.start(), gatehouse::error::invalid_token);
}

}  // namespace
