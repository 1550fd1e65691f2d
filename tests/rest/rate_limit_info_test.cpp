#include "rest/rate_limit_info.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace gatehouse::rest {
namespace {

using core::milliseconds;

TEST(rate_limit_info_test, reads_bucket_headers_in_any_case) {
  const std::vector<header_field> h = {{"x-ratelimit-bucket", "abcd1234"},
                                       {"X-RateLimit-Limit", "5"},
                                       {"X-RATELIMIT-REMAINING", "1"},
                                       {"X-RateLimit-Reset-After", "1.25"}};
  const rate_limit_info info = parse_rate_limit_headers(h);
  EXPECT_EQ(info.bucket, "abcd1234");
  EXPECT_EQ(info.limit, 5u);
  EXPECT_EQ(info.remaining, 1u);
  EXPECT_EQ(info.reset_after, milliseconds(1250));
  EXPECT_FALSE(info.global);
}

TEST(rate_limit_info_test, reset_epoch_is_used_when_reset_after_is_absent) {
  const std::vector<header_field> h = {{"X-RateLimit-Reset", "1470173023.500"}};
  const rate_limit_info info = parse_rate_limit_headers(h, 1470173022.0);
  EXPECT_EQ(info.reset_after, milliseconds(1500));
}

TEST(rate_limit_info_test, reset_after_wins_over_reset) {
  const std::vector<header_field> h = {{"X-RateLimit-Reset", "1470173099"},
                                       {"X-RateLimit-Reset-After", "2"}};
  EXPECT_EQ(parse_rate_limit_headers(h, 1470173022.0).reset_after, milliseconds(2000));
}

TEST(rate_limit_info_test, malformed_values_are_ignored) {
  const std::vector<header_field> h = {{"X-RateLimit-Limit", "five"},
                                       {"X-RateLimit-Remaining", "-1"},
                                       {"X-RateLimit-Reset-After", "nan"}};
  const rate_limit_info info = parse_rate_limit_headers(h);
  EXPECT_FALSE(info.limit);
  EXPECT_FALSE(info.remaining);
  EXPECT_FALSE(info.reset_after);
}

TEST(rate_limit_info_test, global_header_and_scopes_are_read) {
  const std::vector<header_field> global = {{"X-RateLimit-Global", "true"},
                                            {"X-RateLimit-Scope", "global"}};
  const std::vector<header_field> shared = {{"X-RateLimit-Scope", "shared"}};
  EXPECT_TRUE(parse_rate_limit_headers(global).global);
  EXPECT_EQ(parse_rate_limit_headers(global).scope, limit_scope::global);
  EXPECT_EQ(parse_rate_limit_headers(shared).scope, limit_scope::shared);
  EXPECT_FALSE(parse_rate_limit_headers(shared).global);
}

TEST(rate_limit_info_test, body_retry_after_wins_over_the_header) {
  const std::vector<header_field> h = {{"Retry-After", "65"}};
  rate_limit_info info = parse_rate_limit_headers(h);
  apply_429_body(info, R"({"message":"You are being rate limited.","retry_after":64.57,)"
                       R"("global":false})");
  EXPECT_EQ(info.retry_after, milliseconds(64570));
  EXPECT_FALSE(info.global);
}

TEST(rate_limit_info_test, body_can_declare_the_limit_global) {
  rate_limit_info info;
  apply_429_body(info, R"({"retry_after":1,"global":true})");
  EXPECT_TRUE(info.global);
}

TEST(rate_limit_info_test, body_that_is_not_json_changes_nothing) {
  const std::vector<header_field> h = {{"Retry-After", "3"}};
  rate_limit_info info = parse_rate_limit_headers(h);
  apply_429_body(info, "<html>error code: 1015</html>");
  EXPECT_EQ(info.retry_after, milliseconds(3000));
}

}  // namespace
}  // namespace gatehouse::rest
