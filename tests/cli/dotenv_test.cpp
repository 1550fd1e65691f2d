// Tests for .env parsing.
#include "cli/dotenv.hpp"

#include <gtest/gtest.h>

namespace gatehouse::cli {
namespace {

TEST(dotenv_test, reads_plain_key_value_lines) {
  const auto v = parse_dotenv("A=1\nB = two words \n");

  EXPECT_EQ(v.at("A"), "1");
  EXPECT_EQ(v.at("B"), "two words");
}

TEST(dotenv_test, export_prefix_is_allowed) {
  EXPECT_EQ(parse_dotenv("export DISCORD_TOKEN=abc\n").at("DISCORD_TOKEN"), "abc");
}

TEST(dotenv_test, single_quotes_are_literal) {
  EXPECT_EQ(parse_dotenv(R"(K='a \n # b')").at("K"), R"(a \n # b)");
}

TEST(dotenv_test, double_quotes_understand_escapes) {
  EXPECT_EQ(parse_dotenv(R"(K="a\"b\\c\nd" # note)").at("K"), "a\"b\\c\nd");
}

TEST(dotenv_test, comments_and_blank_lines_are_skipped) {
  const auto v = parse_dotenv("# a comment\n\n   \nK=v # trailing\nL=a#b\n");

  EXPECT_EQ(v.size(), 2u);
  EXPECT_EQ(v.at("K"), "v");
  EXPECT_EQ(v.at("L"), "a#b");
}

TEST(dotenv_test, crlf_line_ends_leave_no_carriage_return) {
  const auto v = parse_dotenv("A=1\r\nB=\"2\"\r\nC='3'\r\n");

  EXPECT_EQ(v.at("A"), "1");
  EXPECT_EQ(v.at("B"), "2");
  EXPECT_EQ(v.at("C"), "3");
}

TEST(dotenv_test, utf8_byte_order_mark_is_not_part_of_the_first_key) {
  const auto values = parse_dotenv(
      "\xEF\xBB\xBF"
      "DISCORD_TOKEN=abc\r\nOTHER=1\r\n");
  EXPECT_EQ(values.at("DISCORD_TOKEN"), "abc");
  EXPECT_EQ(values.at("OTHER"), "1");
}

TEST(dotenv_test, later_lines_replace_earlier_ones) {
  EXPECT_EQ(parse_dotenv("K=1\nK=2\n").at("K"), "2");
}

TEST(dotenv_test, line_without_equals_is_refused_with_its_number) {
  try {
    parse_dotenv("A=1\nsecret-looking-value\n");
    FAIL() << "no error";
  } catch (const config_error& e) {
    EXPECT_STREQ(e.what(), ".env line 2: expected KEY=VALUE");
  }
}

TEST(dotenv_test, unterminated_quote_is_refused_without_echoing_the_value) {
  try {
    parse_dotenv("DISCORD_TOKEN=\"test-token-not-real.abc.def\n");
    FAIL() << "no error";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()).find("test-token-not-real"), std::string::npos);
    EXPECT_STREQ(e.what(), ".env line 1: unterminated quoted value");
  }
}

TEST(dotenv_test, fault_names_the_file_it_was_read_from) {
  try {
    parse_dotenv("A=1\nB='x\n", "config/bot.env");
    FAIL() << "no error";
  } catch (const config_error& e) {
    EXPECT_STREQ(e.what(), "config/bot.env line 2: unterminated quoted value");
  }
}

TEST(dotenv_test, invalid_key_is_refused) {
  EXPECT_THROW(parse_dotenv("1KEY=x\n"), config_error);
  EXPECT_THROW(parse_dotenv("MY KEY=x\n"), config_error);
}

TEST(dotenv_test, missing_file_gives_nothing) {
  EXPECT_FALSE(read_dotenv("/nonexistent/gatehouse/.env"));
}

}  // namespace
}  // namespace gatehouse::cli
