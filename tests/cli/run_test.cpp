// `gatehouse run` refuses a token anywhere on its command line (other users can read a
// process's arguments).
#include "cli/run.hpp"

#include <gtest/gtest.h>

namespace {

using gatehouse::cli::looks_like_token;
using gatehouse::cli::refuse_token_arguments;

// The shape of a real token, with made-up characters (gateway-spec.md §10).
constexpr auto token_shaped = "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs";

TEST(run_test, a_token_shaped_value_looks_like_a_token) {
  EXPECT_TRUE(looks_like_token(token_shaped));
}

TEST(run_test, urls_and_intent_lists_do_not_look_like_tokens) {
  EXPECT_FALSE(looks_like_token("https://discord.com/api/v10"));
  EXPECT_FALSE(looks_like_token("GUILDS,GUILD_MESSAGES"));
  EXPECT_FALSE(looks_like_token("0/2"));
  EXPECT_FALSE(looks_like_token("a.b.c"));
}

TEST(run_test, the_token_flag_is_refused_with_where_a_token_goes) {
  const auto refusal = refuse_token_arguments({"--token"});

  EXPECT_NE(refusal.find("DISCORD_TOKEN"), std::string::npos);
  EXPECT_NE(refusal.find(".env"), std::string::npos);
}

TEST(run_test, a_token_given_as_any_value_is_refused) {
  EXPECT_FALSE(refuse_token_arguments({"GUILDS", token_shaped}).empty());
}

TEST(run_test, a_token_with_the_bot_prefix_is_refused) {
  EXPECT_FALSE(refuse_token_arguments({std::string("Bot ") + token_shaped}).empty());
}

TEST(run_test, the_refusal_never_repeats_the_token) {
  const auto refusal = refuse_token_arguments({token_shaped});

  EXPECT_EQ(refusal.find(token_shaped), std::string::npos);
}

TEST(run_test, ordinary_arguments_are_accepted) {
  EXPECT_TRUE(refuse_token_arguments({"GUILDS", "auto", "zlib-stream"}).empty());
}

}  // namespace
