// Loopback tests of the test gateway's session lifecycle and its enforcement rules, each with
// the close code Discord documents (gateway-spec.md §3, §4, §5).
#include "testgw/server.hpp"

#include <gtest/gtest.h>

#include <thread>

#include <boost/json.hpp>

#include "gateway_fixture.hpp"

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;
using namespace testing;

// The one violation the gateway recorded for the only connection.
json::value only_violation(const test_gateway& gw) {
  auto report = gw.report();
  const auto& conns = report.at("connections").as_array();
  if (conns.empty() || conns.back().at("violations").as_array().empty()) {
    return nullptr;
  }
  return conns.back().at("violations").as_array().front();
}

int close_code_after(running_gateway& gw, std::string_view payload, bool identify_first = false) {
  auto c = gw.client();
  c->read_until(10);
  if (identify_first) {
    c->send(identify_payload());
    c->read_until(0, "READY");
  }
  c->send(payload);
  return c->wait_close();
}

// How the gateway answers a fresh connection's identify: "op 9 false", "READY" or "closed".
std::string identify_answer(running_gateway& gw) {
  auto c = gw.client();
  c->read_until(10);
  c->send(identify_payload());
  while (auto v = c->read_json()) {
    if (v->at("op").as_int64() == 9) {
      return v->at("d").as_bool() ? "op 9 true" : "op 9 false";
    }
    if (v->at("op").as_int64() == 0 && v->at("t").as_string() == "READY") {
      return "READY";
    }
  }
  return "closed";
}

TEST(server_test, hello_carries_the_configured_interval) {
  auto options = test_options();
  options.heartbeat_interval = 1234ms;
  running_gateway gw(options);
  auto c = gw.client();
  ASSERT_TRUE(c);
  auto hello = c->read_json();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->at("op").as_int64(), 10);
  EXPECT_EQ(hello->at("d").at("heartbeat_interval").as_int64(), 1234);
  EXPECT_TRUE(hello->at("s").is_null());
}

TEST(server_test, identify_brings_ready_with_the_resume_listener_url) {
  running_gateway gw;
  auto c = gw.client();
  c->read_until(10);
  c->send(identify_payload());
  auto ready = c->read_until(0, "READY");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->at("s").as_int64(), 1);
  const auto& d = ready->at("d");
  EXPECT_EQ(d.at("session_id").as_string().size(), 32u);
  EXPECT_EQ(d.at("resume_gateway_url").as_string(),
            "ws://127.0.0.1:" + std::to_string(gw.ports.resume));
}

TEST(server_test, guild_creates_follow_ready_with_increasing_sequences) {
  running_gateway gw;
  auto c = gw.client();
  ASSERT_FALSE(c->identify().empty());
  std::int64_t last = 1;
  for (std::size_t i = 0; i < gw.gateway.content().guilds().size(); ++i) {
    auto guild = c->read_until(0, "GUILD_CREATE");
    ASSERT_TRUE(guild);
    EXPECT_EQ(guild->at("s").as_int64(), last + 1);
    last = guild->at("s").as_int64();
  }
}

TEST(server_test, heartbeat_is_acknowledged) {
  running_gateway gw;
  auto c = gw.client();
  c->read_until(10);
  c->send(R"({"op":1,"d":null})");
  auto ack = c->read_until(11);
  ASSERT_TRUE(ack);
  EXPECT_TRUE(ack->at("d").is_null());
}

TEST(server_test, missing_heartbeat_closes_with_session_timed_out) {
  auto options = test_options();
  options.heartbeat_interval = 50ms;
  options.heartbeat_grace = 50ms;
  running_gateway gw(options);
  auto c = gw.client();
  EXPECT_EQ(c->wait_close(2s), 4009);
}

TEST(server_test, wrong_token_closes_with_authentication_failed) {
  running_gateway gw;
  EXPECT_EQ(close_code_after(gw, identify_payload(513, 0, 0, "not-the-token")), 4004);
}

TEST(server_test, bot_prefixed_token_closes_with_authentication_failed) {
  running_gateway gw;
  std::string bot = "Bot " + std::string(fake_token);
  EXPECT_EQ(close_code_after(gw, identify_payload(513, 0, 0, bot)), 4004);
}

TEST(server_test, command_before_identify_closes_with_not_authenticated) {
  running_gateway gw;
  EXPECT_EQ(close_code_after(gw, R"({"op":3,"d":{"status":"online"}})"), 4003);
}

TEST(server_test, second_identify_closes_with_already_authenticated) {
  running_gateway gw;
  EXPECT_EQ(close_code_after(gw, identify_payload(), true), 4005);
}

TEST(server_test, receive_only_opcode_closes_with_unknown_opcode) {
  running_gateway gw;
  EXPECT_EQ(close_code_after(gw, R"({"op":0,"t":"MESSAGE_CREATE","s":3,"d":{}})", true), 4001);
}

TEST(server_test, oversized_payload_closes_with_decode_error) {
  running_gateway gw;
  std::string big = R"({"op":3,"d":{"status":")" + std::string(5000, 'x') + R"("}})";
  EXPECT_EQ(close_code_after(gw, big, true), 4002);
}

TEST(server_test, huge_message_is_refused_without_reading_it_whole) {
  running_gateway gw;
  std::string huge(8 * 1024 * 1024, 'x');
  EXPECT_EQ(close_code_after(gw, huge), 4002);
}

TEST(server_test, invalid_json_closes_with_decode_error) {
  running_gateway gw;
  EXPECT_EQ(close_code_after(gw, "{\"op\":1,"), 4002);
}

TEST(server_test, binary_message_closes_with_decode_error) {
  running_gateway gw;
  auto c = gw.client();
  c->read_until(10);
  c->send_binary(R"({"op":1,"d":null})");
  EXPECT_EQ(c->wait_close(), 4002);
}

TEST(server_test, invalid_utf8_is_refused_with_1007) {
  running_gateway gw;
  EXPECT_EQ(close_code_after(gw, "{\"op\":1,\"d\":\"\xff\xfe\"}"), 1007);
}

TEST(server_test, payloads_over_the_send_limit_close_with_rate_limited) {
  auto options = test_options();
  options.send_limit = 5;
  running_gateway gw(options);
  auto c = gw.client();
  c->read_until(10);
  for (int i = 0; i < 6; ++i) {
    c->send(R"({"op":1,"d":null})");
  }
  EXPECT_EQ(c->wait_close(), 4008);
  EXPECT_EQ(gw.gateway.report().at("connections").at(0).at("acks_sent").as_uint64(), 5u);
}

TEST(server_test, unsupported_version_closes_with_invalid_api_version) {
  running_gateway gw;
  auto c = gw.client("/?v=8&encoding=json");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->wait_close(), 4012);
}

TEST(server_test, etf_encoding_is_refused_clearly) {
  running_gateway gw;
  auto c = gw.client("/?v=10&encoding=etf");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->wait_close(), 1003);
  EXPECT_NE(only_violation(gw.gateway).at("what").as_string().find("etf"), std::string::npos);
}

TEST(server_test, undefined_intent_bits_close_with_invalid_intents) {
  running_gateway gw;
  EXPECT_EQ(close_code_after(gw, identify_payload(1u << 30)), 4013);
}

TEST(server_test, privileged_intent_not_enabled_closes_with_disallowed_intents) {
  auto options = test_options();
  options.world.application_flags = 0;
  running_gateway gw(options);
  EXPECT_EQ(close_code_after(gw, identify_payload(513 | (1u << 15))), 4014);
}

TEST(server_test, shard_id_not_below_count_closes_with_invalid_shard) {
  running_gateway gw;
  EXPECT_EQ(close_code_after(gw, identify_payload(513, 3, 3)), 4010);
}

TEST(server_test, too_many_guilds_on_a_shard_closes_with_sharding_required) {
  auto options = test_options();
  options.world.guild_count = 12;
  options.world.max_guilds_per_shard = 5;
  running_gateway gw(options);
  EXPECT_EQ(close_code_after(gw, identify_payload(513, 0, 1)), 4011);
}

TEST(server_test, identify_within_the_bucket_window_gets_invalid_session) {
  auto options = test_options();
  options.identify_window = 5000ms;
  running_gateway gw(options);
  auto first = gw.client();
  ASSERT_FALSE(first->identify().empty());

  EXPECT_EQ(identify_answer(gw), "op 9 false");
}

TEST(server_test, identify_with_no_session_starts_left_gets_invalid_session) {
  auto options = test_options();
  options.session_starts.remaining = 1;
  running_gateway gw(options);
  ASSERT_FALSE(gw.client()->identify().empty());
  EXPECT_EQ(gw.gateway.session_starts().remaining, 0);

  EXPECT_EQ(identify_answer(gw), "op 9 false");
}

TEST(server_test, resume_replays_missed_dispatches_then_resumed) {
  running_gateway gw;
  auto c = gw.client();
  std::string session = c->identify();
  ASSERT_FALSE(session.empty());
  c->close(4900);

  // Two dispatches while no connection carries the session.
  auto guild = std::to_string(gw.gateway.content().guilds().front().id);
  gw.gateway.dispatch("TYPING_START", json::object{{"guild_id", guild}, {"n", 1}});
  gw.gateway.dispatch("TYPING_START", json::object{{"guild_id", guild}, {"n", 2}});

  auto r = gw.client("/?v=10&encoding=json", true);
  r->read_until(10);
  r->send(resume_payload(session, 1));
  std::vector<std::string> names;
  std::int64_t last = 1;
  while (true) {
    auto v = r->read_until(0);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->at("s").as_int64(), last + 1);
    last = v->at("s").as_int64();
    names.emplace_back(v->at("t").as_string());
    if (names.back() == "RESUMED") {
      break;
    }
  }
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(names[names.size() - 2], "TYPING_START");
  EXPECT_EQ(names[names.size() - 3], "TYPING_START");
}

TEST(server_test, report_shows_which_listener_a_resume_used) {
  running_gateway gw;
  auto c = gw.client();
  std::string session = c->identify();
  c->close(4900);
  auto r = gw.client("/?v=10&encoding=json", true);
  r->read_until(10);
  r->send(resume_payload(session, 1));
  ASSERT_TRUE(r->read_until(0, "RESUMED"));

  auto report = gw.gateway.session_report(session);
  const auto& conns = report.at("connections").as_array();
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[0].at("listener").as_string(), "main");
  EXPECT_EQ(conns[1].at("listener").as_string(), "resume");
  EXPECT_EQ(report.at("resumes").as_uint64(), 1u);
  EXPECT_EQ(report.at("identifies").as_uint64(), 1u);
}

TEST(server_test, resume_of_an_unknown_session_closes_with_invalid_seq) {
  running_gateway gw;
  EXPECT_EQ(close_code_after(gw, resume_payload("00000000000000000000000000000000", 1)), 4007);
}

TEST(server_test, resume_refusal_can_be_invalid_session_instead) {
  auto options = test_options();
  options.refuse_resume_with = resume_refusal::invalid_session;
  running_gateway gw(options);
  auto c = gw.client();
  c->read_until(10);
  c->send(resume_payload("00000000000000000000000000000000", 1));
  auto invalid = c->read_until(9);
  ASSERT_TRUE(invalid);
  EXPECT_FALSE(invalid->at("d").as_bool());
}

TEST(server_test, resume_with_a_sequence_never_sent_closes_with_invalid_seq) {
  running_gateway gw;
  auto c = gw.client();
  std::string session = c->identify();
  c->close(4900);
  EXPECT_EQ(close_code_after(gw, resume_payload(session, 999)), 4007);
}

TEST(server_test, client_close_1000_ends_the_session) {
  running_gateway gw;
  auto c = gw.client();
  std::string session = c->identify();
  c->close(1000);
  EXPECT_EQ(close_code_after(gw, resume_payload(session, 1)), 4007);
}

TEST(server_test, client_close_with_a_4000_code_keeps_the_session) {
  running_gateway gw;
  auto c = gw.client();
  std::string session = c->identify();
  c->close(4009);
  auto r = gw.client("/?v=10&encoding=json", true);
  r->read_until(10);
  r->send(resume_payload(session, 1));
  EXPECT_TRUE(r->read_until(0, "RESUMED"));
}

TEST(server_test, session_past_its_window_closes_resume_with_session_timed_out) {
  auto options = test_options();
  options.session_window = 100ms;
  running_gateway gw(options);
  auto c = gw.client();
  std::string session = c->identify();
  c->close(4900);
  std::this_thread::sleep_for(300ms);  // the window is real time on the gateway's side
  EXPECT_EQ(close_code_after(gw, resume_payload(session, 1)), 4009);
}

TEST(server_test, violations_are_recorded_with_their_code) {
  running_gateway gw;
  close_code_after(gw, R"({"op":3,"d":{}})");
  auto v = only_violation(gw.gateway);
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.at("code").to_number<int>(), 4003);
  EXPECT_EQ(v.at("reply").as_string(), "close");
}

}  // namespace
}  // namespace gatehouse::testgw
