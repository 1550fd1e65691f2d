// Tests for token and intents configuration (cases G02, G03).
#include "cli/config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "core/intents.hpp"
#include "transport/log_capture.hpp"

namespace gatehouse::cli {
namespace {

constexpr std::string_view bare = "test-token-not-real.abc.def";

env_lookup fake_env(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

// A .env file in the test's temporary directory, removed afterwards.
class dotenv_file {
 public:
  explicit dotenv_file(std::string_view text)
      : path_(std::filesystem::temp_directory_path() /
              ("gatehouse-config-test-" +
               std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".env")) {
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~dotenv_file() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

const std::filesystem::path no_file = "/nonexistent/gatehouse/.env";

TEST(config_test, token_comes_from_the_environment) {
  const auto t = load_token(fake_env({{"DISCORD_TOKEN", std::string(bare)}}), no_file);

  EXPECT_EQ(t.token, bare);
  EXPECT_EQ(t.source, "DISCORD_TOKEN");
}

TEST(config_test, environment_wins_over_the_dotenv_file) {
  dotenv_file file("DISCORD_TOKEN=test-token-not-real.from.file\n");
  const auto t = load_token(fake_env({{"DISCORD_TOKEN", std::string(bare)}}), file.path());

  EXPECT_EQ(t.token, bare);
}

TEST(config_test, token_comes_from_the_dotenv_file_with_crlf_and_export) {
  dotenv_file file("# bot\r\nexport DISCORD_TOKEN='test-token-not-real.abc.def'\r\n");
  const auto t = load_token(fake_env({}), file.path());

  EXPECT_EQ(t.token, bare);
  EXPECT_EQ(t.source, file.path().string());
}

TEST(config_test, case_g03_trailing_newline_and_quotes_are_trimmed) {
  for (const std::string raw :
       {"test-token-not-real.abc.def\n", "test-token-not-real.abc.def\r\n",
        " 'test-token-not-real.abc.def' ", "\"test-token-not-real.abc.def\""}) {
    EXPECT_EQ(load_token(fake_env({{"DISCORD_TOKEN", raw}}), no_file).token, bare);
  }
}

TEST(config_test, case_g02_one_bot_prefix_is_stripped_with_a_warning) {
  const auto before = testing::log_capture::instance().size();
  const auto t =
      load_token(fake_env({{"DISCORD_TOKEN", "Bot test-token-not-real.abc.def"}}), no_file);

  EXPECT_EQ(t.token, bare);
  EXPECT_TRUE(testing::log_capture::instance().contains("\"Bot \" prefix", before));
}

TEST(config_test, token_with_inner_whitespace_is_refused_without_echoing_it) {
  try {
    load_token(fake_env({{"DISCORD_TOKEN", "test-token-not-real abc.def"}}), no_file);
    FAIL() << "no error";
  } catch (const config_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("invalid token format"), std::string::npos);
    EXPECT_EQ(what.find("test-token-not-real"), std::string::npos);
  }
}

TEST(config_test, token_with_a_control_character_is_refused) {
  EXPECT_THROW(load_token(fake_env({{"DISCORD_TOKEN", "test-token-not-real\x01.abc"}}), no_file),
               config_error);
}

TEST(config_test, empty_token_is_refused) {
  EXPECT_THROW(load_token(fake_env({{"DISCORD_TOKEN", "  \"\" "}}), no_file), config_error);
}

// The config_error message load_token throws, or "no error".
std::string refusal(const env_lookup& env, const std::filesystem::path& dotenv_path) {
  try {
    load_token(env, dotenv_path);
  } catch (const config_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(config_test, missing_token_names_both_places_to_put_it) {
  dotenv_file file("OTHER=1\n");

  EXPECT_EQ(refusal(fake_env({}), file.path()),
            "no token: set DISCORD_TOKEN in the environment or in " + file.path().string());
}

TEST(config_test, missing_dotenv_file_without_a_token_in_the_environment_says_so) {
  EXPECT_EQ(refusal(fake_env({}), no_file),
            "no token: DISCORD_TOKEN is not set, and cannot read /nonexistent/gatehouse/.env: No "
            "such file or directory");
}

TEST(config_test, empty_variable_counts_as_unset_so_the_dotenv_file_is_read) {
  dotenv_file file("DISCORD_TOKEN=test-token-not-real.abc.def\n");
  const auto t = load_token(fake_env({{"DISCORD_TOKEN", ""}}), file.path());

  EXPECT_EQ(t.token, bare);
  EXPECT_EQ(t.source, file.path().string());
}

TEST(config_test, dotenv_directory_is_refused_naming_it) {
  const auto dir = std::filesystem::temp_directory_path();

  EXPECT_EQ(refusal(fake_env({}), dir), "cannot read " + dir.string() + ": Is a directory");
}

TEST(config_test, dotenv_device_is_refused_before_reading_it) {
  EXPECT_EQ(refusal(fake_env({}), "/dev/zero"), "cannot read /dev/zero: not a regular file");
}

TEST(config_test, dotenv_file_over_64_kib_is_refused_naming_it) {
  dotenv_file file("DISCORD_TOKEN=test-token-not-real.abc.def\n" +
                   std::string(max_dotenv_size, '#'));

  EXPECT_EQ(refusal(fake_env({}), file.path()),
            "cannot read " + file.path().string() + ": larger than 64 KiB");
}

TEST(config_test, dotenv_file_of_exactly_64_kib_is_read) {
  const std::string line = "DISCORD_TOKEN=test-token-not-real.abc.def\n";
  dotenv_file file(line + "#" + std::string(max_dotenv_size - line.size() - 2, '-') + "\n");

  EXPECT_EQ(std::filesystem::file_size(file.path()), max_dotenv_size);
  EXPECT_EQ(load_token(fake_env({}), file.path()).token, bare);
}

TEST(config_test, dotenv_parse_error_names_the_real_path) {
  dotenv_file file("\x7f\x45LF\x02=junk\n");

  EXPECT_EQ(refusal(fake_env({}), file.path()), file.path().string() + " line 1: invalid key");
}

TEST(config_test, dotenv_is_not_read_when_the_environment_has_the_token) {
  EXPECT_EQ(load_token(fake_env({{"DISCORD_TOKEN", std::string(bare)}}), "/dev/zero").token, bare);
}

TEST(config_test, intents_by_name_are_case_insensitive) {
  EXPECT_EQ(load_intents("guilds,Guild_Messages,MESSAGE_CONTENT"),
            core::guilds_intent | core::guild_messages_intent | core::message_content_intent);
}

TEST(config_test, intents_by_number) {
  EXPECT_EQ(load_intents("513"), 513u);
}

TEST(config_test, unknown_intent_lists_the_valid_names) {
  try {
    load_intents("GUILDS,GUILD_MESAGES");
    FAIL() << "no error";
  } catch (const config_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown intent \"GUILD_MESAGES\""), std::string::npos);
    EXPECT_NE(what.find("GUILD_MESSAGES"), std::string::npos);
    EXPECT_NE(what.find("MESSAGE_CONTENT (privileged)"), std::string::npos);
  }
}

// The config_error message load_intents throws, or "no error".
std::string intents_refusal(std::string_view text) {
  try {
    load_intents(text);
  } catch (const config_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(config_test, intents_number_too_large_is_out_of_range) {
  EXPECT_EQ(intents_refusal("99999999999999999999")
                .find("intents 99999999999999999999 out of range: a number takes 0 to 4294967295"),
            0u);
  EXPECT_EQ(intents_refusal("4294967296").find("intents 4294967296 out of range"), 0u);
}

TEST(config_test, negative_intents_are_out_of_range) {
  EXPECT_EQ(intents_refusal("-1").find("intents -1 out of range"), 0u);
}

TEST(config_test, empty_intent_name_between_commas_is_refused) {
  EXPECT_EQ(intents_refusal("GUILDS,,").find("empty intent name in \"GUILDS,,\"; valid names: "),
            0u);
  EXPECT_EQ(intents_refusal(",GUILDS").find("empty intent name"), 0u);
  EXPECT_EQ(intents_refusal("GUILDS, ,GUILD_MESSAGES").find("empty intent name"), 0u);
  EXPECT_EQ(intents_refusal(" , ").find("no intent given"), 0u);
}

TEST(config_test, intents_separated_by_commas_and_spaces_are_taken) {
  EXPECT_EQ(load_intents("GUILDS, GUILD_MESSAGES | MESSAGE_CONTENT DIRECT_MESSAGES"),
            core::guilds_intent | core::guild_messages_intent | core::message_content_intent |
                core::direct_messages_intent);
}

TEST(config_test, undefined_intent_bits_are_refused) {
  EXPECT_THROW(load_intents(std::to_string(1u << 30)), config_error);
}

TEST(config_test, privileged_intents_are_named_as_such) {
  const auto notice = privileged_notice(core::guilds_intent | core::message_content_intent);

  EXPECT_NE(notice.find("privileged intents requested: MESSAGE_CONTENT"), std::string::npos);
  EXPECT_TRUE(privileged_notice(core::guilds_intent).empty());
}

TEST(config_test, api_base_for_discord_or_a_test_gateway_is_taken) {
  EXPECT_EQ(load_api_base("https://discord.com/api/v10"), "https://discord.com/api/v10");
  EXPECT_EQ(load_api_base("http://127.0.0.1:8080/api/v10/"), "http://127.0.0.1:8080/api/v10/");
}

TEST(config_test, api_base_without_api_v10_is_refused_before_any_request) {
  EXPECT_THROW(load_api_base("http://127.0.0.1:8080"), config_error);
  EXPECT_THROW(load_api_base("https://discord.com/api/v9"), config_error);
  EXPECT_THROW(load_api_base("ftp://discord.com/api/v10"), config_error);
}

}  // namespace
}  // namespace gatehouse::cli
