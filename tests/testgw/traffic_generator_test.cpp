// Tests of the traffic generator: determinism, the mix, event sizes and the rate arithmetic.
#include "testgw/traffic_generator.hpp"

#include "core/intents.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace gatehouse::testgw {
namespace {

using namespace std::chrono_literals;
using clock = traffic_generator::clock;

generator_options small_pool(std::uint64_t seed = 1) {
  generator_options o;
  o.seed = seed;
  o.pool_size = 500;
  return o;
}

generator_options at_rate(double per_second) {
  auto o = small_pool();
  o.pool_size = 16;
  o.events_per_second = per_second;
  return o;
}

// The size of the frame the gateway writes for an event: {"t":..,"s":..,"op":0,"d":..}.
std::size_t framed_size(const world_event& e) {
  return e.d.size() + e.name.size() + 30;
}

const world_event* first_guild_create(const traffic_generator& g) {
  for (const auto& e : g.pool()) {
    if (e.name == "GUILD_CREATE") {
      return &e;
    }
  }
  return nullptr;
}

TEST(traffic_generator_test, same_seed_gives_the_same_stream) {
  const world w;
  traffic_generator a(w, small_pool()), b(w, small_pool());

  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(a.next().d, b.next().d) << "event " << i;
  }
}

TEST(traffic_generator_test, another_seed_gives_another_stream) {
  const world w;
  traffic_generator a(w, small_pool(1)), b(w, small_pool(2));

  int same = 0;
  for (int i = 0; i < 100; ++i) {
    same += a.next().d == b.next().d;
  }
  EXPECT_LT(same, 10);
}

TEST(traffic_generator_test, mix_holds_every_kind_of_event) {
  const world w;
  traffic_generator g(w, small_pool());
  std::map<std::string, int> names;

  for (const auto& e : g.pool()) {
    ++names[e.name];
  }
  EXPECT_GT(names["MESSAGE_CREATE"], 250);
  EXPECT_GT(names["TYPING_START"], 50);
  EXPECT_GT(names["PRESENCE_UPDATE"], 30);
  EXPECT_GT(names["GUILD_CREATE"], 0);
}

TEST(traffic_generator_test, every_event_is_a_json_object_with_a_gate) {
  const world w;
  traffic_generator g(w, small_pool());

  for (const auto& e : g.pool()) {
    boost::system::error_code ec;
    const auto d = boost::json::parse(e.d, ec);
    ASSERT_FALSE(ec) << e.name;
    EXPECT_TRUE(d.is_object()) << e.name;
    EXPECT_NE(e.required_intent, 0u) << e.name;
  }
}

TEST(traffic_generator_test, typical_small_message_is_about_960_bytes) {
  const world w;
  traffic_generator g(w, small_pool());
  std::vector<std::size_t> sizes;

  for (const auto& e : g.pool()) {
    if (e.name == "MESSAGE_CREATE" && e.d.find("\"embeds\":[]") != std::string::npos) {
      sizes.push_back(framed_size(e));
    }
  }
  ASSERT_FALSE(sizes.empty());
  std::sort(sizes.begin(), sizes.end());
  const auto median = sizes[sizes.size() / 2];
  EXPECT_GT(median, 750u);
  EXPECT_LT(median, 1250u);
}

TEST(traffic_generator_test, large_message_is_a_few_kilobytes) {
  const world w;
  traffic_generator g(w, small_pool());

  const auto& pool = g.pool();
  const auto it = std::find_if(pool.begin(), pool.end(), [](auto& e) {
    return e.name == "MESSAGE_CREATE" && e.d.find("\"embeds\":[{") != std::string::npos;
  });
  ASSERT_NE(it, pool.end());
  EXPECT_GT(framed_size(*it), 2000u);
}

TEST(traffic_generator_test, generated_guild_create_is_large) {
  const world w;
  traffic_generator g(w, small_pool());

  const auto* guild_create = first_guild_create(g);
  ASSERT_NE(guild_create, nullptr);
  EXPECT_GT(guild_create->d.size(), 50'000u);
}

TEST(traffic_generator_test, generated_guild_create_lists_only_the_bot_without_presences) {
  const world w;
  traffic_generator g(w, small_pool());

  const auto* it = first_guild_create(g);
  ASSERT_NE(it, nullptr);
  const auto without = boost::json::parse(payload_for(*it, core::guilds_intent));
  const auto with = boost::json::parse(payload_for(*it, core::guild_presences_intent));
  EXPECT_EQ(without.at("members").as_array().size(), 1u);
  EXPECT_TRUE(without.at("presences").as_array().empty());
  EXPECT_GT(with.at("members").as_array().size(), 100u);
}

TEST(traffic_generator_test, stream_cycles_the_pool) {
  const world w;
  auto o = small_pool();
  o.pool_size = 3;
  traffic_generator g(w, o);

  const auto* first = &g.next();
  g.next();
  g.next();
  EXPECT_EQ(&g.next(), first);
  EXPECT_EQ(g.events_generated(), 4u);
}

TEST(traffic_generator_test, counts_the_bytes_handed_out) {
  const world w;
  traffic_generator g(w, small_pool());

  const auto size = g.next().d.size() + g.next().d.size();
  EXPECT_EQ(g.bytes_generated(), size);
}

TEST(traffic_generator_test, owes_nothing_without_a_rate) {
  const world w;
  traffic_generator g(w, small_pool());
  const auto t0 = clock::time_point{} + 1h;
  g.start(t0);

  EXPECT_FALSE(g.is_rate_limited());
  EXPECT_EQ(g.due(t0 + 10s), 0u);
}

TEST(traffic_generator_test, owes_events_in_proportion_to_elapsed_time) {
  const world w;
  traffic_generator g(w, at_rate(100));
  const auto t0 = clock::time_point{} + 1h;
  g.start(t0);

  EXPECT_EQ(g.due(t0), 0u);
  EXPECT_EQ(g.due(t0 + 50ms), 5u);
  EXPECT_EQ(g.due(t0 + 2s), 200u);
}

TEST(traffic_generator_test, taking_events_pays_off_what_is_owed) {
  const world w;
  traffic_generator g(w, at_rate(100));
  const auto t0 = clock::time_point{} + 1h;
  g.start(t0);

  for (int i = 0; i < 3; ++i) {
    g.next();
  }
  EXPECT_EQ(g.due(t0 + 50ms), 2u);
  g.next();
  g.next();
  g.next();
  EXPECT_EQ(g.due(t0 + 50ms), 0u);
}

TEST(traffic_generator_test, next_due_is_one_interval_after_the_last_taken) {
  const world w;
  traffic_generator g(w, at_rate(100));
  const auto t0 = clock::time_point{} + 1h;
  g.start(t0);

  EXPECT_EQ(g.next_due(), t0 + 10ms);
  g.next();
  EXPECT_EQ(g.next_due(), t0 + 20ms);
}

TEST(traffic_generator_test, restart_forgets_what_was_owed) {
  const world w;
  traffic_generator g(w, at_rate(100));
  const auto t0 = clock::time_point{} + 1h;
  g.start(t0);
  g.next();
  g.start(t0 + 10s);

  EXPECT_EQ(g.due(t0 + 10s + 30ms), 3u);
}

}  // namespace
}  // namespace gatehouse::testgw
