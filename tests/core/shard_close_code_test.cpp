// Tests for what a shard does after each kind of close code: resume, new session or stop
// (gateway-spec.md §4; cases G04, G11).
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "gateway_pair.hpp"

namespace gatehouse::core {
namespace {

using testing::gateway_pair;

class fatal_close_test : public ::testing::TestWithParam<std::uint16_t> {};

TEST_P(fatal_close_test, stops_and_never_reconnects) {
  gateway_pair g;
  g.start();
  g.server_close(GetParam());
  g.advance(seconds(300));

  EXPECT_EQ(g.client().state(), shard_state::fatal);
  EXPECT_TRUE(g.client().is_stopped());
  EXPECT_EQ(g.connects.size(), 1u);
  EXPECT_FALSE(g.client().poll_timeout().has_value());
  auto fatal = g.events_of<fatal_event>();
  ASSERT_EQ(fatal.size(), 1u);
  EXPECT_EQ(fatal[0].reason, error::fatal_close);
  EXPECT_EQ(fatal[0].close_code, GetParam());
  EXPECT_NE(fatal[0].message.find("fix:"), std::string::npos) << fatal[0].message;
}

INSTANTIATE_TEST_SUITE_P(shard_close_code_test, fatal_close_test,
                         ::testing::Values(4004, 4010, 4011, 4012, 4013, 4014));

TEST(shard_close_code_test, case_g04_disallowed_intents_names_the_intent) {
  auto o = gateway_pair::default_options();
  o.intents = 1 | (1u << 15);
  gateway_pair g(o);
  g.auto_ready = false;
  g.start();
  g.server_close(4014);
  g.advance(seconds(30));
  EXPECT_EQ(g.count(2), 1u);
  auto fatal = g.events_of<fatal_event>();
  ASSERT_EQ(fatal.size(), 1u);
  EXPECT_NE(fatal[0].message.find("MESSAGE_CONTENT"), std::string::npos) << fatal[0].message;
}

TEST(shard_close_code_test, fatal_close_before_ready_stops_too) {
  gateway_pair g;
  g.auto_ready = false;
  g.start();
  g.server_close(4004);
  EXPECT_EQ(g.client().state(), shard_state::fatal);
}

TEST(shard_close_code_test, fatal_shard_refuses_commands) {
  gateway_pair g;
  g.start();
  g.server_close(4004);
  EXPECT_EQ(g.client().send_command(opcode::presence_update, "{}", g.now()), error::shard_stopped);
}

class new_session_close_test : public ::testing::TestWithParam<std::uint16_t> {};

TEST_P(new_session_close_test, case_g11_forgets_session_and_identifies_on_gateway_url) {
  gateway_pair g;
  g.random_value = 0.0;
  g.start();
  g.dispatch("MESSAGE_CREATE");
  g.server_close(GetParam());
  EXPECT_FALSE(g.client().session().can_resume());
  EXPECT_EQ(g.client().session().sequence, 0u);
  g.advance(seconds(6));

  ASSERT_EQ(g.connects.size(), 2u);
  EXPECT_EQ(g.connects[1].url, "wss://gateway.test/?v=10&encoding=json");
  EXPECT_EQ(g.count(6), 0u);
  EXPECT_EQ(g.count(2), 2u);
  EXPECT_EQ(g.client().session().session_id, "session-2");
  // The first beat after the new READY carries the new sequence.
  g.advance(seconds(1));
  EXPECT_EQ(g.sent_with(1).back().text, R"({"op":1,"d":1})");
}

INSTANTIATE_TEST_SUITE_P(shard_close_code_test, new_session_close_test,
                         ::testing::Values(4003, 4007, 4009));

class resume_close_test : public ::testing::TestWithParam<std::uint16_t> {};

TEST_P(resume_close_test, resumes_the_session) {
  gateway_pair g;
  g.start();
  g.server_close(GetParam());
  ASSERT_EQ(g.connects.size(), 2u);
  EXPECT_TRUE(g.connects[1].resume);
  EXPECT_EQ(g.count(6), 1u);
  EXPECT_EQ(g.events_of<reconnecting_event>().at(0).close_code, GetParam());
  EXPECT_TRUE(g.client().is_active());
}

// 0 is a drop without a close frame; 1006 and 4006 are not main-gateway codes.
INSTANTIATE_TEST_SUITE_P(shard_close_code_test, resume_close_test,
                         ::testing::Values(0, 1000, 1001, 1006, 4000, 4001, 4002, 4005, 4006, 4008,
                                           4999));

TEST(shard_close_code_test, resumable_close_without_session_identifies) {
  gateway_pair g;
  g.auto_ready = false;
  g.start();
  g.server_close(4000);
  g.advance(seconds(6));
  EXPECT_FALSE(g.connects.at(1).resume);
  EXPECT_EQ(g.count(2), 2u);
}

TEST(shard_close_code_test, shard_never_closes_with_1000_or_1001_to_resume) {
  gateway_pair g;
  g.random_value = 0.0;
  g.start();
  g.send(R"({"op":7,"d":null})");
  g.send(R"({"op":9,"d":true})");
  g.auto_ack = false;
  g.advance(seconds(3));
  ASSERT_GE(g.closes.size(), 3u);
  for (const auto& c : g.closes) {
    EXPECT_GE(c.code, 4000);
    EXPECT_LE(c.code, 4999);
  }
}

}  // namespace
}  // namespace gatehouse::core
