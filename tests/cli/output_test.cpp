// Event lines and exit codes of `gatehouse run` and `gatehouse demo`.
#include "cli/output.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "core/error.hpp"
#include "rest/rest_error.hpp"

namespace {

using namespace gatehouse::cli;
using gatehouse::shards::manager_event;
using gatehouse::shards::manager_event_kind;

manager_event fatal_with(std::uint16_t code, std::error_code reason = {}) {
  return {.kind = manager_event_kind::fatal, .reason = reason, .close_code = code};
}

TEST(output_test, message_fields_are_read_from_d) {
  const auto f = read_fields("MESSAGE_CREATE", R"({"id":"9","channel_id":"22","guild_id":"11",
      "content":"hello","author":{"id":"5","username":"mason"}})");

  EXPECT_EQ(f.guild, "11");
  EXPECT_EQ(f.channel, "22");
  EXPECT_EQ(f.author, "mason");
  EXPECT_EQ(f.content, "hello");
}

TEST(output_test, guild_create_shows_the_guild_name_and_id) {
  const auto f = read_fields("GUILD_CREATE", R"({"name":"My Server","id":"961969618123483218"})");

  EXPECT_EQ(f.guild, "My Server (961969618123483218)");
}

TEST(output_test, numeric_snowflakes_are_accepted) {
  const auto f = read_fields("TYPING_START", R"({"channel_id":123,"user_id":"4"})");

  EXPECT_EQ(f.channel, "123");
}

TEST(output_test, unexpected_shapes_give_empty_fields) {
  const auto f = read_fields("RESUMED", "[1,2");

  EXPECT_TRUE(f.guild.empty());
  EXPECT_TRUE(f.content.empty());
}

TEST(output_test, long_content_is_cut_with_an_ellipsis) {
  EXPECT_EQ(shorten("abcdefgh", 5), "abcde…");
  EXPECT_EQ(shorten("abc", 5), "abc");
}

TEST(output_test, shorten_counts_code_points_not_bytes) {
  EXPECT_EQ(shorten("ééé", 2), "éé…");
}

TEST(output_test, newlines_in_content_stay_on_one_line) {
  EXPECT_EQ(shorten("a\nb\tc", 10), "a b c");
}

TEST(output_test, dispatch_line_has_time_shard_event_sequence_and_fields) {
  const auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(45'296'789));
  const dispatch_fields f{.guild = "1", .channel = "2", .author = "mason", .content = "hi"};

  EXPECT_EQ(format_dispatch(t, 3, "MESSAGE_CREATE", 42, f),
            "12:34:56.789 shard=3 MESSAGE_CREATE s=42 guild=1 channel=2 author=mason \"hi\"");
}

TEST(output_test, reconnecting_line_names_the_close_code_and_resume) {
  gatehouse::lifecycle_event e{.kind = gatehouse::lifecycle_kind::reconnecting,
                               .shard_id = 1,
                               .close_code = 4000,
                               .resume = true};

  const auto line = format_lifecycle(std::chrono::system_clock::now(), e);

  EXPECT_NE(line.find("shard=1 reconnecting close_code=4000 resume=true"), std::string::npos);
}

TEST(output_test, authentication_failures_exit_with_3) {
  EXPECT_EQ(exit_code_for(fatal_with(4004)), exit_code::authentication);
  EXPECT_EQ(exit_code_for(fatal_with(0, gatehouse::rest::rest_error::unauthorized)),
            exit_code::authentication);
}

TEST(output_test, intent_failures_exit_with_4) {
  EXPECT_EQ(exit_code_for(fatal_with(4013)), exit_code::intents);
  EXPECT_EQ(exit_code_for(fatal_with(4014)), exit_code::intents);
}

TEST(output_test, sharding_failures_exit_with_5) {
  EXPECT_EQ(exit_code_for(fatal_with(4010)), exit_code::sharding);
  EXPECT_EQ(exit_code_for(fatal_with(4011)), exit_code::sharding);
}

TEST(output_test, api_version_failure_exits_with_6) {
  EXPECT_EQ(exit_code_for(fatal_with(4012)), exit_code::api_version);
}

TEST(output_test, configuration_errors_exit_with_2) {
  EXPECT_EQ(exit_code_for(fatal_with(0, gatehouse::error::invalid_token)),
            exit_code::configuration);
}

TEST(output_test, an_unreachable_gateway_exits_with_1) {
  EXPECT_EQ(exit_code_for(fatal_with(0, gatehouse::rest::rest_error::connection_failed)),
            exit_code::failure);
}

}  // namespace
