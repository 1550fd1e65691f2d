#include "rest/resources.hpp"

#include "rest/rest_error.hpp"

#include <gtest/gtest.h>

namespace gatehouse::rest {
namespace {

TEST(resources_test, gateway_bot_reads_the_documented_example) {
  std::error_code ec;
  const gateway_bot_info info = parse_gateway_bot_info(
      R"({"url":"wss://gateway.discord.gg/","shards":9,"session_start_limit":)"
      R"({"total":1000,"remaining":999,"reset_after":14400000,"max_concurrency":16},)"
      R"("unknown_field":true})",
      ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(info.url, "wss://gateway.discord.gg/");
  EXPECT_EQ(info.shards, 9u);
  EXPECT_EQ(info.session_start_limit.remaining, 999u);
  EXPECT_EQ(info.session_start_limit.max_concurrency, 16u);
}

TEST(resources_test, gateway_bot_without_session_start_limit_is_bad_response) {
  std::error_code ec;
  parse_gateway_bot_info(R"({"url":"wss://gateway.discord.gg/","shards":1})", ec);
  EXPECT_EQ(ec, rest_error::bad_response);
}

TEST(resources_test, gateway_bot_with_negative_count_is_bad_response) {
  std::error_code ec;
  parse_gateway_bot_info(R"({"url":"wss://g/","shards":-1,"session_start_limit":)"
                         R"({"total":1,"remaining":1,"reset_after":1,"max_concurrency":1}})",
                         ec);
  EXPECT_EQ(ec, rest_error::bad_response);
}

TEST(resources_test, body_that_is_not_json_is_bad_response) {
  std::error_code ec;
  parse_gateway_info("<html>502 Bad Gateway</html>", ec);
  EXPECT_EQ(ec, rest_error::bad_response);
}

TEST(resources_test, gateway_reads_the_url) {
  std::error_code ec;
  EXPECT_EQ(parse_gateway_info(R"({"url":"wss://gateway.discord.gg/"})", ec).url,
            "wss://gateway.discord.gg/");
  EXPECT_FALSE(ec);
}

TEST(resources_test, current_user_accepts_an_integer_id) {
  std::error_code ec;
  const current_user u =
      parse_current_user(R"({"id":1896186316901649619,"username":"MyBot","bot":true,)"
                         R"("global_name":null})",
                         ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(u.id, "1896186316901649619");
  EXPECT_EQ(u.username, "MyBot");
  EXPECT_TRUE(u.bot);
  EXPECT_TRUE(u.global_name.empty());
}

TEST(resources_test, created_message_reads_its_ids) {
  std::error_code ec;
  const created_message m = parse_created_message(
      R"({"id":"1090079700000000000","channel_id":"290926798999357250","content":"pong"})", ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(m.id, "1090079700000000000");
  EXPECT_EQ(m.channel_id, "290926798999357250");
}

}  // namespace
}  // namespace gatehouse::rest
