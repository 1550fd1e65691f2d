// Tests for bot token normalisation (cases G02, G03).
#include "core/token.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

constexpr std::string_view bare = "test-token-not-real.abc.def";

normalized_token normalize(std::string_view raw) {
  std::error_code ec;
  auto t = normalize_token(raw, ec);
  EXPECT_FALSE(ec) << ec.message();
  return t;
}

std::error_code refusal(std::string_view raw) {
  std::error_code ec;
  normalize_token(raw, ec);
  return ec;
}

TEST(token_test, bare_token_is_kept_as_is) {
  auto t = normalize(bare);
  EXPECT_EQ(t.value, bare);
  EXPECT_FALSE(t.had_bot_prefix);
}

TEST(token_test, case_g03_trailing_newline_is_trimmed) {
  EXPECT_EQ(normalize("test-token-not-real.abc.def\n").value, bare);
}

TEST(token_test, case_g03_trailing_crlf_is_trimmed) {
  EXPECT_EQ(normalize("test-token-not-real.abc.def\r\n").value, bare);
}

TEST(token_test, case_g03_spaces_and_single_quotes_are_removed) {
  EXPECT_EQ(normalize(" 'test-token-not-real.abc.def' ").value, bare);
}

TEST(token_test, double_quotes_are_removed) {
  EXPECT_EQ(normalize("\"test-token-not-real.abc.def\"").value, bare);
}

TEST(token_test, unmatched_quote_is_not_stripped_and_refused_as_is) {
  EXPECT_EQ(normalize("'test-token-not-real.abc.def").value, "'test-token-not-real.abc.def");
}

TEST(token_test, case_g02_one_bot_prefix_is_stripped_and_reported) {
  auto t = normalize("Bot test-token-not-real.abc.def");
  EXPECT_EQ(t.value, bare);
  EXPECT_TRUE(t.had_bot_prefix);
}

TEST(token_test, case_g02_double_bot_prefix_is_refused) {
  EXPECT_EQ(refusal("Bot Bot test-token-not-real.abc.def"), error::invalid_token);
}

TEST(token_test, lower_case_bot_prefix_is_not_a_prefix) {
  EXPECT_EQ(refusal("bot test-token-not-real.abc.def"), error::invalid_token);
}

TEST(token_test, empty_token_is_refused) {
  EXPECT_EQ(refusal(""), error::invalid_token);
  EXPECT_EQ(refusal("  \n"), error::invalid_token);
  EXPECT_EQ(refusal("''"), error::invalid_token);
}

TEST(token_test, inner_whitespace_is_refused) {
  EXPECT_EQ(refusal("test-token not-real.abc.def"), error::invalid_token);
}

TEST(token_test, control_character_is_refused) {
  EXPECT_EQ(refusal("test-token\x01not-real.abc.def"), error::invalid_token);
  EXPECT_EQ(refusal("test-token\x7fnot-real.abc.def"), error::invalid_token);
}

TEST(token_test, refusal_message_does_not_contain_the_token) {
  auto ec = refusal("secret-part not-real");
  EXPECT_EQ(ec.message().find("secret-part"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::core
