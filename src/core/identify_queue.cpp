// The identify buckets and the session-start
// budget (gateway-spec.md §5.2, §5.3).
#include "core/identify_queue.hpp"

#include <algorithm>

namespace gatehouse::core {

// Out of line: a default argument `limits l = {}`
// is not allowed while the class is incomplete.
identify_queue::identify_queue() : identify_queue(limits{}) {}

identify_queue::identify_queue(limits l)
    : limits_(l), bucket_free_at_(std::max<std::uint32_t>(l.max_concurrency, 1)) {
  limits_.max_concurrency = static_cast<std::uint32_t>(bucket_free_at_.size());
}

void identify_queue::update_budget(std::uint32_t remaining, time_point reset_at) {
  limits_.remaining = remaining;
  limits_.reset_at = reset_at;
}

bool identify_queue::is_budget_exhausted(time_point now) const {
  // Once the reset time has passed the budget is unknown again, and identifying
  // may go on; the next GET /gateway/bot gives the new numbers.
  return limits_.remaining == 0 && now < limits_.reset_at;
}

time_point identify_queue::next_slot(std::uint32_t shard_id, time_point now) const {
  // §5.2: rate_limit_key = shard_id % max_concurrency.
  const time_point bucket = bucket_free_at_[shard_id % bucket_free_at_.size()];
  time_point slot = std::max(now, bucket);
  if (is_budget_exhausted(now)) {
    slot = std::max(slot, limits_.reset_at);  // §5.3: wait for reset_after
  }
  return slot;
}

bool identify_queue::try_acquire(std::uint32_t shard_id, time_point now) {
  if (next_slot(shard_id, now) > now) {
    return false;
  }

  // The bucket is busy for one window from
  // this identify; one session start is spent.
  bucket_free_at_[shard_id % bucket_free_at_.size()] = now + limits_.window;
  constexpr auto unknown = std::numeric_limits<std::uint32_t>::max();
  if (limits_.remaining == 0) {
    limits_.remaining = unknown;  // past reset_at: unknown until the next GET /gateway/bot
  } else if (limits_.remaining != unknown) {
    --limits_.remaining;
  }
  return true;
}

}  // namespace gatehouse::core
