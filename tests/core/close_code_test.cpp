#include "core/close_code.hpp"

#include <gtest/gtest.h>

#include "core/intents.hpp"

namespace gatehouse::core {
namespace {

TEST(close_code_test, documented_non_reconnectable_codes_are_fatal) {
  for (std::uint16_t code : {4004, 4010, 4011, 4012, 4013, 4014}) {
    EXPECT_EQ(policy_for(code).action, close_action::fatal) << code;
    EXPECT_FALSE(policy_for(code).fix.empty()) << code;
  }
}

TEST(close_code_test, invalid_seq_and_session_timeout_start_a_new_session) {
  EXPECT_EQ(policy_for(4007).action, close_action::new_session);
  EXPECT_EQ(policy_for(4009).action, close_action::new_session);
}

TEST(close_code_test, not_authenticated_starts_a_new_session) {
  EXPECT_EQ(policy_for(4003).action, close_action::new_session);
}

TEST(close_code_test, reconnectable_codes_resume) {
  for (std::uint16_t code : {1000, 1001, 4000, 4001, 4002, 4005, 4008}) {
    EXPECT_EQ(policy_for(code).action, close_action::resume) << code;
  }
}

TEST(close_code_test, unlisted_codes_resume) {
  for (std::uint16_t code : {0, 1006, 1011, 4006, 4015, 4900}) {
    EXPECT_EQ(policy_for(code).action, close_action::resume) << code;
  }
}

TEST(close_code_test, own_resume_close_code_is_not_one_of_discords) {
  EXPECT_GE(resume_close_code, 4000);
  EXPECT_LE(resume_close_code, 4999);
  EXPECT_EQ(policy_for(resume_close_code).code, 0);
}

TEST(close_code_test, disallowed_intents_message_names_the_privileged_intent_and_where) {
  const std::string text =
      describe_fatal_close(4014, guilds_intent | guild_messages_intent | message_content_intent);
  EXPECT_NE(text.find("4014"), std::string::npos);
  EXPECT_NE(text.find("MESSAGE_CONTENT"), std::string::npos);
  EXPECT_EQ(text.find("GUILD_MESSAGES"), std::string::npos);
  EXPECT_NE(text.find("Privileged Gateway Intents"), std::string::npos);
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(close_code_test, invalid_intents_message_names_undefined_bits) {
  const std::string text = describe_fatal_close(4013, guilds_intent | (1u << 30));
  EXPECT_NE(text.find("1<<30"), std::string::npos);
}

TEST(close_code_test, authentication_failed_message_says_no_bot_prefix) {
  const std::string text = describe_fatal_close(4004, 0);
  EXPECT_NE(text.find("\"Bot \" prefix"), std::string::npos);
}

TEST(close_code_test, sendable_close_codes_are_1000_to_4999_less_the_reserved_four) {
  for (std::int64_t code : {1000, 1001, 1003, 1007, 1014, 1016, 3000, 4000, 4014, 4999}) {
    EXPECT_TRUE(is_sendable_close_code(code)) << code;
  }
  for (std::int64_t code : {-1, 0, 999, 1004, 1005, 1006, 1015, 5000, 70000, 4464 + 65536}) {
    EXPECT_FALSE(is_sendable_close_code(code)) << code;
  }
}

}  // namespace
}  // namespace gatehouse::core
