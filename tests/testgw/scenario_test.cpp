// Tests of scenario files: every section read into the gateway's options, faults in order,
// and loud failures for wrong types and unknown fields.
#include "testgw/scenario.hpp"

#include "core/intents.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string error_of(std::string_view text) {
  std::string what;
  EXPECT_FALSE(parse_scenario(text, what).has_value()) << text;
  return what;
}

TEST(scenario_test, empty_object_keeps_every_default) {
  std::string what;
  const auto s = parse_scenario("{}", what);

  ASSERT_TRUE(s) << what;
  EXPECT_EQ(s->gateway.heartbeat_interval, gateway_options{}.heartbeat_interval);
  EXPECT_EQ(s->gateway.world.guild_count, world_options{}.guild_count);
  EXPECT_FALSE(s->traffic);
  EXPECT_TRUE(s->faults.empty());
}

TEST(scenario_test, reads_the_gateway_section) {
  std::string what;
  const auto s = parse_scenario(R"({"gateway": {
      "port": 8123, "token": "tok.a.b", "heartbeat_interval_ms": 250, "heartbeat_grace_ms": 50,
      "max_concurrency": 4, "send_limit": 10, "refuse_resume_with": "invalid_session",
      "session_starts": {"total": 5, "remaining": 2, "reset_after_ms": 60000},
      "tls": {"enabled": true}}})",
                                what);

  ASSERT_TRUE(s) << what;
  const auto& g = s->gateway;
  EXPECT_EQ(g.port, 8123);
  EXPECT_EQ(g.token, "tok.a.b");
  EXPECT_EQ(g.heartbeat_interval, 250ms);
  EXPECT_EQ(g.heartbeat_grace, 50ms);
  EXPECT_EQ(g.max_concurrency, 4);
  EXPECT_EQ(g.send_limit, 10);
  EXPECT_EQ(g.refuse_resume_with, resume_refusal::invalid_session);
  EXPECT_EQ(g.session_starts.total, 5);
  EXPECT_EQ(g.session_starts.remaining, 2);
  EXPECT_EQ(g.session_starts.reset_after, 60s);
  EXPECT_TRUE(g.tls.enabled);
}

TEST(scenario_test, reads_the_world_with_ids_as_strings) {
  std::string what;
  const auto s = parse_scenario(
      R"({"world": {"application_id": "123456789012345678", "guilds": 12,
                    "max_guilds_per_shard": 5, "seed": 9}})",
      what);

  ASSERT_TRUE(s) << what;
  EXPECT_EQ(s->gateway.world.application_id, 123456789012345678ull);
  EXPECT_EQ(s->gateway.world.guild_count, 12u);
  EXPECT_EQ(s->gateway.world.max_guilds_per_shard, 5u);
  EXPECT_EQ(s->gateway.world.seed, 9u);
}

TEST(scenario_test, privileged_intents_by_name_set_the_application_flags) {
  std::string what;
  const auto s = parse_scenario(R"({"world": {"privileged_intents": ["MESSAGE_CONTENT"]}})", what);

  ASSERT_TRUE(s) << what;
  EXPECT_EQ(world(s->gateway.world).enabled_privileged_intents(), core::message_content_intent);
}

TEST(scenario_test, empty_privileged_intents_enable_none) {
  std::string what;
  const auto s = parse_scenario(R"({"world": {"privileged_intents": []}})", what);

  ASSERT_TRUE(s) << what;
  EXPECT_EQ(s->gateway.world.application_flags, 0u);
}

TEST(scenario_test, refuses_a_non_privileged_intent_in_privileged_intents) {
  EXPECT_EQ(error_of(R"({"world": {"privileged_intents": "GUILDS"}})"),
            "world.privileged_intents: expected GUILD_MEMBERS, GUILD_PRESENCES or "
            "MESSAGE_CONTENT");
}

TEST(scenario_test, reads_rest_limits_by_route) {
  std::string what;
  const auto s = parse_scenario(R"({"rest": {"global_per_second": 7,
      "default_limit": {"limit": 2, "window_ms": 1000},
      "limits": {"GET /gateway/bot": {"limit": 1, "window_ms": 3000}}}})",
                                what);

  ASSERT_TRUE(s) << what;
  const auto& r = s->gateway.rest;
  EXPECT_EQ(r.global_per_second, 7u);
  EXPECT_EQ(r.default_limit.limit, 2u);
  EXPECT_EQ(r.limits.at("GET /gateway/bot").window, 3000ms);
}

TEST(scenario_test, reads_traffic_and_its_mix) {
  std::string what;
  const auto s = parse_scenario(
      R"({"traffic": {"seed": 3, "events_per_second": 12.5, "count": 100,
                      "mix": {"typing": 0, "guild_create": 9}}})",
      what);

  ASSERT_TRUE(s) << what;
  ASSERT_TRUE(s->traffic);
  EXPECT_EQ(s->traffic->generator.seed, 3u);
  EXPECT_DOUBLE_EQ(s->traffic->generator.events_per_second, 12.5);
  EXPECT_EQ(s->traffic->count, 100u);
  EXPECT_EQ(s->traffic->generator.mix.typing, 0u);
  EXPECT_EQ(s->traffic->generator.mix.guild_create, 9u);
  EXPECT_EQ(s->traffic->generator.mix.small_message, traffic_mix{}.small_message);
}

TEST(scenario_test, reads_faults_in_file_order) {
  std::string what;
  const auto s = parse_scenario(R"({"faults": [
      {"kind": "reconnect", "at_ms": 2000},
      {"kind": "close", "code": 4000, "at_ms": 1000}]})",
                                what);

  ASSERT_TRUE(s) << what;
  ASSERT_EQ(s->faults.size(), 2u);
  EXPECT_EQ(s->faults[0].kind, fault_kind::reconnect);
  EXPECT_EQ(s->faults[0].at, 2000ms);
  EXPECT_EQ(s->faults[1].kind, fault_kind::close);
  EXPECT_EQ(s->faults[1].code, 4000);
}

TEST(scenario_test, names_the_bad_fault) {
  const auto what = error_of(R"({"faults": [{"kind": "reconnect"}, {"kind": "explode"}]})");

  EXPECT_EQ(what.rfind("scenario.faults[1]: ", 0), 0u) << what;
}

TEST(scenario_test, refuses_a_close_code_a_server_cannot_send) {
  const auto what = error_of(R"({"faults": [{"kind": "close", "code": 99999}]})");

  EXPECT_EQ(what.rfind("scenario.faults[0]: ", 0), 0u) << what;
  EXPECT_NE(what.find("99999"), std::string::npos) << what;
}

TEST(scenario_test, refuses_a_traffic_rate_that_is_negative) {
  EXPECT_EQ(error_of(R"({"traffic": {"events_per_second": -5}})"),
            "traffic.events_per_second: expected a non-negative number");
}

TEST(scenario_test, parse_traffic_reads_the_section_alone) {
  std::string what;
  const auto run = parse_traffic(json::parse(R"({"count": 3, "events_per_second": 2.5})"), what);

  ASSERT_TRUE(run) << what;
  EXPECT_EQ(run->count, 3u);
  EXPECT_EQ(run->generator.events_per_second, 2.5);
  EXPECT_FALSE(parse_traffic(json::parse(R"({"count": 1.5})"), what));
  EXPECT_EQ(what, "traffic.count: expected a non-negative integer");
}

TEST(scenario_test, refuses_unknown_fields_at_every_level) {
  EXPECT_EQ(error_of(R"({"gatway": {}})"), "scenario.gatway: unknown field");
  EXPECT_EQ(error_of(R"({"world": {"guild": 3}})"), "world.guild: unknown field");
  EXPECT_EQ(error_of(R"({"gateway": {"tls": {"on": true}}})"), "gateway.tls.on: unknown field");
}

TEST(scenario_test, refuses_wrong_types) {
  EXPECT_EQ(error_of(R"({"world": {"guilds": "many"}})"),
            "world.guilds: expected a non-negative integer");
  EXPECT_EQ(error_of(R"({"gateway": {"heartbeat_interval_ms": -5}})"),
            "gateway.heartbeat_interval_ms: expected a non-negative integer");
  EXPECT_EQ(error_of(R"({"gateway": {"port": 70000}})"),
            "gateway.port: expected a non-negative integer");
  EXPECT_EQ(error_of(R"({"gateway": {"refuse_resume_with": "maybe"}})"),
            R"(gateway.refuse_resume_with: expected "close_code" or "invalid_session")");
}

TEST(scenario_test, refuses_text_that_is_not_json) {
  EXPECT_EQ(error_of("{").rfind("scenario: not JSON", 0), 0u);
  EXPECT_EQ(error_of("[]"), "scenario: expected an object");
}

TEST(scenario_test, load_names_a_missing_file) {
  std::string what;

  EXPECT_FALSE(load_scenario("/nonexistent/scenario.json", what));
  EXPECT_EQ(what, "cannot read scenario file /nonexistent/scenario.json");
}

}  // namespace
}  // namespace gatehouse::testgw
