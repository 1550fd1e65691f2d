#include "core/error.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(error_test, errors_compare_to_their_condition) {
  EXPECT_EQ(std::error_code(error::zombied_connection), error_condition_kind::reconnectable);
  EXPECT_EQ(std::error_code(error::fatal_close), error_condition_kind::fatal);
  EXPECT_EQ(std::error_code(error::payload_too_large), error_condition_kind::local_refusal);
  EXPECT_EQ(std::error_code(error::invalid_token), error_condition_kind::configuration);
  EXPECT_NE(std::error_code(error::invalid_token), error_condition_kind::reconnectable);
}

TEST(error_test, messages_are_short_lower_case_without_final_period) {
  for (int ev = static_cast<int>(error::payload_too_large);
       ev <= static_cast<int>(error::fatal_close); ++ev) {
    const std::string m = std::error_code(ev, gateway_category()).message();
    ASSERT_FALSE(m.empty()) << ev;
    EXPECT_NE(m, "unknown gatehouse error") << ev;
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(m.front()))) << m;
    EXPECT_NE(m.back(), '.') << m;
  }
}

TEST(error_test, category_is_named) {
  EXPECT_STREQ(gateway_category().name(), "gatehouse");
}

}  // namespace
}  // namespace gatehouse
