// Tests of the client payload rules and their close codes.
#include "testgw/gateway_rules.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;
constexpr std::string_view token = "test-token-not-real.abc.def";
constexpr std::uint32_t all_privileged = (1u << 1) | (1u << 8) | (1u << 15);

std::uint16_t decode_code(std::string_view text, bool binary = false) {
  auto r = decode_payload(text, binary, 4096);
  auto* v = std::get_if<rule_violation>(&r);
  return v ? v->code : 0;
}

std::uint16_t identify_code(std::string_view d, std::uint32_t enabled = all_privileged) {
  auto r = check_identify(json::parse(d), token, enabled);
  auto* v = std::get_if<rule_violation>(&r);
  return v ? v->code : 0;
}

std::string identify_with(std::string_view fields) {
  return std::string(R"({"token":"test-token-not-real.abc.def","properties":{"os":"linux"},)") +
         std::string(fields) + "}";
}

TEST(gateway_rules_test, heartbeat_payload_decodes) {
  auto r = decode_payload(R"({"op":1,"d":5})", false, 4096);
  ASSERT_TRUE(std::holds_alternative<client_payload>(r));
  EXPECT_EQ(std::get<client_payload>(r).op, 1);
  EXPECT_EQ(std::get<client_payload>(r).d.as_int64(), 5);
}

TEST(gateway_rules_test, binary_message_is_a_decode_error) {
  EXPECT_EQ(decode_code(R"({"op":1,"d":null})", true), 4002);
}

TEST(gateway_rules_test, payload_over_4096_bytes_is_a_decode_error) {
  std::string big = R"({"op":3,"d":{"x":")" + std::string(4100, 'a') + R"("}})";
  EXPECT_EQ(decode_code(big), 4002);
}

TEST(gateway_rules_test, text_that_is_not_json_is_a_decode_error) {
  EXPECT_EQ(decode_code("{op:1"), 4002);
  EXPECT_EQ(decode_code("[1,2]"), 4002);
  EXPECT_EQ(decode_code(R"({"d":null})"), 4002);
}

TEST(gateway_rules_test, receive_only_opcode_is_an_unknown_opcode) {
  EXPECT_EQ(decode_code(R"({"op":0,"t":"MESSAGE_CREATE","s":3,"d":{}})"), 4001);
  EXPECT_EQ(decode_code(R"({"op":11,"d":null})"), 4001);
}

TEST(gateway_rules_test, undocumented_opcode_is_an_unknown_opcode) {
  EXPECT_EQ(decode_code(R"({"op":5,"d":null})"), 4001);
  EXPECT_EQ(decode_code(R"({"op":99,"d":null})"), 4001);
}

TEST(gateway_rules_test, command_before_identify_is_not_authenticated) {
  auto v = check_order(3, false);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->code, 4003);
  EXPECT_FALSE(check_order(1, false));
  EXPECT_FALSE(check_order(2, false));
  EXPECT_FALSE(check_order(6, false));
}

TEST(gateway_rules_test, second_identify_is_already_authenticated) {
  auto v = check_order(2, true);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->code, 4005);
  EXPECT_FALSE(check_order(3, true));
}

TEST(gateway_rules_test, heartbeat_d_must_be_a_sequence_or_null) {
  EXPECT_FALSE(check_heartbeat(json::parse("null")));
  EXPECT_FALSE(check_heartbeat(json::parse("42")));
  auto v = check_heartbeat(json::parse(R"("42")"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->code, 4001);
}

TEST(gateway_rules_test, valid_identify_is_accepted_with_its_shard) {
  auto r = check_identify(json::parse(identify_with(R"("intents":513,"shard":[1,4])")), token,
                          all_privileged);
  ASSERT_TRUE(std::holds_alternative<identify_request>(r));
  auto id = std::get<identify_request>(r);
  EXPECT_EQ(id.intents, 513u);
  EXPECT_EQ(id.shard_id, 1u);
  EXPECT_EQ(id.num_shards, 4u);
  EXPECT_TRUE(id.has_shard);
}

TEST(gateway_rules_test, wrong_token_fails_authentication) {
  EXPECT_EQ(identify_code(R"({"token":"other","properties":{},"intents":1})"), 4004);
}

TEST(gateway_rules_test, bot_prefixed_token_fails_authentication) {
  EXPECT_EQ(
      identify_code(R"({"token":"Bot test-token-not-real.abc.def","properties":{},"intents":1})"),
      4004);
}

TEST(gateway_rules_test, identify_without_properties_is_malformed) {
  EXPECT_EQ(identify_code(R"({"token":"test-token-not-real.abc.def","intents":1})"), 4001);
}

TEST(gateway_rules_test, missing_intents_are_invalid_intents) {
  EXPECT_EQ(identify_code(identify_with(R"("large_threshold":50)")), 4013);
}

TEST(gateway_rules_test, undefined_intent_bit_is_invalid_intents) {
  EXPECT_EQ(identify_code(identify_with(R"("intents":1073741824)")), 4013);
  EXPECT_EQ(identify_code(identify_with(R"("intents":"513")")), 4013);
}

TEST(gateway_rules_test, privileged_intent_not_enabled_is_disallowed) {
  EXPECT_EQ(identify_code(identify_with(R"("intents":33281)"), 0), 4014);
  EXPECT_EQ(identify_code(identify_with(R"("intents":33281)"), 1u << 15), 0);
}

TEST(gateway_rules_test, shard_id_not_below_count_is_invalid_shard) {
  EXPECT_EQ(identify_code(identify_with(R"("intents":1,"shard":[2,2])")), 4010);
  EXPECT_EQ(identify_code(identify_with(R"("intents":1,"shard":[0,0])")), 4010);
  EXPECT_EQ(identify_code(identify_with(R"("intents":1,"shard":[0])")), 4010);
}

TEST(gateway_rules_test, resume_needs_exact_token_and_integer_seq) {
  auto ok = check_resume(
      json::parse(R"({"token":"test-token-not-real.abc.def","session_id":"abc","seq":7})"), token);
  ASSERT_TRUE(std::holds_alternative<resume_request>(ok));
  EXPECT_EQ(std::get<resume_request>(ok).seq, 7u);

  auto wrong = check_resume(json::parse(R"({"token":"x","session_id":"abc","seq":7})"), token);
  EXPECT_EQ(std::get<rule_violation>(wrong).code, 4004);
  auto null_seq = check_resume(
      json::parse(R"({"token":"test-token-not-real.abc.def","session_id":"abc","seq":null})"),
      token);
  EXPECT_EQ(std::get<rule_violation>(null_seq).code, 4001);
}

TEST(send_window_test, payload_over_the_limit_in_the_window_is_refused) {
  send_window window(120, std::chrono::seconds(60));
  auto t0 = std::chrono::steady_clock::time_point{};
  for (int i = 0; i < 120; ++i) {
    ASSERT_TRUE(window.admit(t0 + std::chrono::milliseconds(i)));
  }
  EXPECT_FALSE(window.admit(t0 + std::chrono::seconds(59)));
}

TEST(send_window_test, old_payloads_leave_the_sliding_window) {
  send_window window(2, std::chrono::seconds(60));
  auto t0 = std::chrono::steady_clock::time_point{};
  EXPECT_TRUE(window.admit(t0));
  EXPECT_TRUE(window.admit(t0 + std::chrono::seconds(30)));
  EXPECT_FALSE(window.admit(t0 + std::chrono::seconds(59)));
  EXPECT_TRUE(window.admit(t0 + std::chrono::seconds(61)));
}

}  // namespace
}  // namespace gatehouse::testgw
