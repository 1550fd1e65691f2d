#include "rest/rest_error.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace gatehouse::rest {
namespace {

TEST(rest_error_test, messages_are_short_lower_case_without_final_period) {
  for (int ev = static_cast<int>(rest_error::invalid_token);
       ev <= static_cast<int>(rest_error::connection_failed); ++ev) {
    const std::string m = std::error_code(ev, rest_category()).message();
    EXPECT_NE(m, "unknown rest error") << ev;
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(m.front()))) << m;
    EXPECT_NE(m.back(), '.') << m;
  }
}

TEST(rest_error_test, transient_errors_are_retryable) {
  EXPECT_EQ(std::error_code(rest_error::rate_limited), rest_condition::retryable);
  EXPECT_EQ(std::error_code(rest_error::server_error), rest_condition::retryable);
  EXPECT_EQ(std::error_code(rest_error::connection_failed), rest_condition::retryable);
}

TEST(rest_error_test, token_and_permission_errors_are_fatal) {
  EXPECT_EQ(std::error_code(rest_error::unauthorized), rest_condition::fatal);
  EXPECT_EQ(std::error_code(rest_error::forbidden), rest_condition::fatal);
  EXPECT_NE(std::error_code(rest_error::unauthorized), rest_condition::retryable);
}

TEST(rest_error_test, category_is_named) {
  EXPECT_STREQ(rest_category().name(), "gatehouse.rest");
}

}  // namespace
}  // namespace gatehouse::rest
