// Tests of identify concurrency buckets and the session-start budget.
#include "testgw/identify_limits.hpp"

#include <gtest/gtest.h>

namespace gatehouse::testgw {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;
const clock::time_point t0 = clock::time_point{} + 1h;

TEST(identify_limits_test, second_identify_in_a_bucket_within_the_window_is_refused) {
  identify_limits limits(1, 5s, 1000, 1000, 24h, t0);
  EXPECT_EQ(limits.try_identify(0, t0), identify_verdict::allowed);
  EXPECT_EQ(limits.try_identify(1, t0 + 4s), identify_verdict::concurrency);
  EXPECT_EQ(limits.try_identify(1, t0 + 5s), identify_verdict::allowed);
}

TEST(identify_limits_test, buckets_are_shard_id_modulo_max_concurrency) {
  identify_limits limits(4, 5s, 1000, 1000, 24h, t0);
  for (std::uint32_t shard = 0; shard < 4; ++shard) {
    EXPECT_EQ(limits.try_identify(shard, t0), identify_verdict::allowed);
  }
  EXPECT_EQ(limits.try_identify(5, t0 + 1s), identify_verdict::concurrency);
}

TEST(identify_limits_test, identifies_use_up_the_budget) {
  identify_limits limits(1, 0s, 10, 2, 24h, t0);
  EXPECT_EQ(limits.try_identify(0, t0), identify_verdict::allowed);
  EXPECT_EQ(limits.try_identify(0, t0 + 1s), identify_verdict::allowed);
  EXPECT_EQ(limits.remaining(t0 + 1s), 0);
  EXPECT_EQ(limits.try_identify(0, t0 + 2s), identify_verdict::budget);
}

TEST(identify_limits_test, budget_refills_after_reset_after) {
  identify_limits limits(1, 0s, 3, 3, 10s, t0);
  limits.exhaust();
  EXPECT_EQ(limits.try_identify(0, t0 + 9s), identify_verdict::budget);
  EXPECT_EQ(limits.reset_after(t0 + 9s), 1s);
  EXPECT_EQ(limits.try_identify(0, t0 + 10s), identify_verdict::allowed);
  EXPECT_EQ(limits.remaining(t0 + 10s), 2);
}

TEST(identify_limits_test, refused_identify_uses_no_budget) {
  identify_limits limits(1, 5s, 10, 10, 24h, t0);
  limits.try_identify(0, t0);
  limits.try_identify(0, t0 + 1s);
  EXPECT_EQ(limits.remaining(t0 + 1s), 9);
}

}  // namespace
}  // namespace gatehouse::testgw
