// Tests for the identify buckets and the session-start budget (gateway-spec.md §5.2, §5.3).
#include "core/identify_queue.hpp"

#include <gtest/gtest.h>

namespace gatehouse::core {
namespace {

const time_point t0{};

TEST(identify_queue_test, one_identify_per_bucket_per_window) {
  identify_queue q;
  EXPECT_TRUE(q.try_acquire(0, t0));
  EXPECT_FALSE(q.try_acquire(0, t0 + milliseconds(4999)));
  EXPECT_TRUE(q.try_acquire(0, t0 + seconds(5)));
}

TEST(identify_queue_test, case_g15_shards_map_to_buckets_by_modulo) {
  identify_queue q({.max_concurrency = 4});
  for (std::uint32_t id = 0; id < 4; ++id) {
    EXPECT_TRUE(q.try_acquire(id, t0)) << id;
  }
  // Shard 5 shares bucket 1 with shard 1 and waits its turn.
  EXPECT_FALSE(q.try_acquire(5, t0 + seconds(1)));
  EXPECT_EQ(q.next_slot(5, t0 + seconds(1)), t0 + seconds(5));
}

TEST(identify_queue_test, single_bucket_serialises_every_shard) {
  identify_queue q;
  EXPECT_TRUE(q.try_acquire(0, t0));
  EXPECT_FALSE(q.try_acquire(1, t0));
  EXPECT_EQ(q.next_slot(1, t0), t0 + seconds(5));
}

TEST(identify_queue_test, next_slot_is_now_when_free) {
  identify_queue q;
  EXPECT_EQ(q.next_slot(3, t0), t0);
}

TEST(identify_queue_test, each_identify_spends_one_session_start) {
  identify_queue q;
  q.update_budget(2, t0 + seconds(3600));
  EXPECT_TRUE(q.try_acquire(0, t0));
  EXPECT_EQ(q.remaining(), 1u);
}

TEST(identify_queue_test, case_g16_exhausted_budget_waits_for_reset) {
  identify_queue q;
  q.update_budget(1, t0 + seconds(3600));
  EXPECT_TRUE(q.try_acquire(0, t0));
  EXPECT_TRUE(q.is_budget_exhausted(t0 + seconds(10)));
  EXPECT_FALSE(q.try_acquire(0, t0 + seconds(10)));
  EXPECT_EQ(q.next_slot(0, t0 + seconds(10)), t0 + seconds(3600));
  EXPECT_TRUE(q.try_acquire(0, t0 + seconds(3600)));
}

TEST(identify_queue_test, unknown_budget_is_not_exhausted) {
  identify_queue q;
  EXPECT_FALSE(q.is_budget_exhausted(t0));
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(q.try_acquire(0, t0 + seconds(5 * i)));
  }
}

}  // namespace
}  // namespace gatehouse::core
