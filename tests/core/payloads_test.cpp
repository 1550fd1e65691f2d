// Tests for the outbound payload builders (gateway-spec.md §2.2, §3.2, §3.3, §3.6, §5.4).
#include "core/payloads.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

namespace json = boost::json;

json::object parse(std::string_view text) {
  return json::parse(text).as_object();
}

identify_params sample_identify() {
  identify_params p;
  p.token = "test-token-not-real.abc.def";
  p.intents = 33281;
  p.os = "linux";
  p.browser = "gatehouse";
  p.device = "gatehouse";
  return p;
}

TEST(payloads_test, heartbeat_carries_sequence) {
  EXPECT_EQ(heartbeat_payload(251), R"({"op":1,"d":251})");
}

TEST(payloads_test, heartbeat_without_sequence_carries_null) {
  EXPECT_EQ(heartbeat_payload(std::nullopt), R"({"op":1,"d":null})");
}

TEST(payloads_test, identify_has_every_required_field) {
  std::error_code ec;
  auto p = sample_identify();
  auto o = parse(identify_payload(p, ec));
  ASSERT_FALSE(ec);
  EXPECT_EQ(o.at("op"), 2);
  const auto& d = o.at("d").as_object();
  EXPECT_EQ(d.at("token"), "test-token-not-real.abc.def");
  EXPECT_EQ(d.at("intents"), 33281);
  EXPECT_EQ(d.at("properties").at("os"), "linux");
  EXPECT_EQ(d.at("properties").at("browser"), "gatehouse");
  EXPECT_EQ(d.at("properties").at("device"), "gatehouse");
  EXPECT_EQ(d.at("compress"), false);
  EXPECT_EQ(d.at("large_threshold"), 50);
  EXPECT_FALSE(d.contains("shard"));
  EXPECT_FALSE(d.contains("presence"));
}

TEST(payloads_test, identify_includes_shard_when_given) {
  std::error_code ec;
  auto p = sample_identify();
  p.shard_id = 2;
  p.shard_count = 3;
  auto d = parse(identify_payload(p, ec)).at("d").as_object();
  EXPECT_EQ(d.at("shard"), json::parse("[2,3]"));
}

TEST(payloads_test, identify_embeds_presence) {
  std::error_code ec;
  auto p = sample_identify();
  std::string presence = R"({"since":null,"activities":[],"status":"idle","afk":false})";
  p.presence = presence;
  auto d = parse(identify_payload(p, ec)).at("d").as_object();
  EXPECT_EQ(d.at("presence").at("status"), "idle");
}

TEST(payloads_test, identify_refuses_presence_that_is_not_json) {
  std::error_code ec;
  auto p = sample_identify();
  p.presence = "{status:idle";
  EXPECT_TRUE(identify_payload(p, ec).empty());
  EXPECT_EQ(ec, error::invalid_payload);
}

TEST(payloads_test, identify_escapes_strings) {
  std::error_code ec;
  auto p = sample_identify();
  p.os = "a\"b\\c\n\x01";
  auto d = parse(identify_payload(p, ec)).at("d").as_object();
  EXPECT_EQ(d.at("properties").at("os"), "a\"b\\c\n\x01");
}

TEST(payloads_test, resume_carries_token_session_and_sequence) {
  auto o = parse(resume_payload("test-token-not-real.abc.def", "abc123", 1337));
  EXPECT_EQ(o.at("op"), 6);
  EXPECT_EQ(o.at("d").at("token"), "test-token-not-real.abc.def");
  EXPECT_EQ(o.at("d").at("session_id"), "abc123");
  EXPECT_EQ(o.at("d").at("seq"), 1337);
}

TEST(payloads_test, command_wraps_data) {
  std::error_code ec;
  auto text = command_payload(opcode::presence_update, R"({"status":"dnd"})", ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(text, R"({"op":3,"d":{"status":"dnd"}})");
}

TEST(payloads_test, case_g26_dispatch_opcode_is_refused) {
  std::error_code ec;
  EXPECT_TRUE(command_payload(opcode::dispatch, "{}", ec).empty());
  EXPECT_EQ(ec, error::receive_only_opcode);
}

TEST(payloads_test, case_g26_every_receive_only_opcode_is_refused) {
  for (opcode op : {opcode::reconnect, opcode::invalid_session, opcode::hello,
                    opcode::heartbeat_ack, static_cast<opcode>(5), static_cast<opcode>(12)}) {
    std::error_code ec;
    command_payload(op, "{}", ec);
    EXPECT_EQ(ec, error::receive_only_opcode) << static_cast<int>(op);
  }
}

TEST(payloads_test, shard_owned_opcodes_are_reserved) {
  for (opcode op : {opcode::heartbeat, opcode::identify, opcode::resume}) {
    std::error_code ec;
    command_payload(op, "{}", ec);
    EXPECT_EQ(ec, error::reserved_opcode) << static_cast<int>(op);
  }
}

TEST(payloads_test, command_with_invalid_json_is_refused) {
  std::error_code ec;
  command_payload(opcode::voice_state_update, R"({"guild_id":)", ec);
  EXPECT_EQ(ec, error::invalid_payload);
  command_payload(opcode::voice_state_update, "{} {}", ec);
  EXPECT_EQ(ec, error::invalid_payload);
}

TEST(payloads_test, command_over_4096_bytes_is_refused) {
  std::error_code ec;
  std::string data = "\"" + std::string(4096, 'x') + "\"";
  EXPECT_TRUE(command_payload(opcode::request_guild_members, data, ec).empty());
  EXPECT_EQ(ec, error::payload_too_large);
}

TEST(payloads_test, command_of_exactly_4096_bytes_is_accepted) {
  std::error_code ec;
  const std::size_t overhead = std::string_view(R"({"op":8,"d":""})").size();
  std::string data = "\"" + std::string(max_payload_size - overhead, 'x') + "\"";
  auto text = command_payload(opcode::request_guild_members, data, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(text.size(), max_payload_size);
}

TEST(payloads_test, presence_data_has_documented_shape) {
  presence_update p;
  activity a;
  a.name = "with C++";
  p.activities.push_back(a);
  p.status = "dnd";
  auto o = parse(presence_data(p));
  EXPECT_TRUE(o.at("since").is_null());
  EXPECT_EQ(o.at("activities").at(0).at("name"), "with C++");
  EXPECT_EQ(o.at("activities").at(0).at("type"), 0);
  EXPECT_FALSE(o.at("activities").at(0).as_object().contains("url"));
  EXPECT_EQ(o.at("status"), "dnd");
  EXPECT_EQ(o.at("afk"), false);
}

TEST(payloads_test, voice_state_without_channel_leaves_with_null) {
  voice_state_update v;
  v.guild_id = "41771983423143937";
  auto o = parse(voice_state_data(v));
  EXPECT_EQ(o.at("guild_id"), "41771983423143937");
  EXPECT_TRUE(o.at("channel_id").is_null());
  EXPECT_EQ(o.at("self_mute"), false);
}

TEST(payloads_test, guild_members_request_by_query_has_limit) {
  guild_members_request r;
  r.guild_id = "1";
  auto o = parse(guild_members_request_data(r));
  EXPECT_EQ(o.at("query"), "");
  EXPECT_EQ(o.at("limit"), 0);
  EXPECT_FALSE(o.contains("user_ids"));
}

TEST(payloads_test, guild_members_request_by_ids_lists_them) {
  guild_members_request r;
  r.guild_id = "1";
  r.user_ids = {"2", "3"};
  r.nonce = "n1";
  auto o = parse(guild_members_request_data(r));
  EXPECT_EQ(o.at("user_ids"), json::parse(R"(["2","3"])"));
  EXPECT_EQ(o.at("nonce"), "n1");
  EXPECT_FALSE(o.contains("query"));
}

}  // namespace
}  // namespace gatehouse::core
