// The identify rules: one identify per bucket (shard_id % max_concurrency) per window, and the
// daily session-start budget that identifies spend and resumes do not (gateway-spec.md §5.2,
// §5.3). Pure arithmetic on times handed in; shards of one process share one queue.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "core/time.hpp"

namespace gatehouse::core {

class identify_queue {
 public:
  struct limits {
    std::uint32_t max_concurrency = 1;
    duration window = seconds(5);
    // Session starts left, and when the budget resets; unknown until GET /gateway/bot says.
    std::uint32_t remaining = std::numeric_limits<std::uint32_t>::max();
    time_point reset_at{};
  };

  identify_queue();
  explicit identify_queue(limits l);

  // Takes the next GET /gateway/bot answer: session starts left and when they reset.
  void update_budget(std::uint32_t remaining, time_point reset_at);

  // Takes the identify slot of the shard's bucket when it is free at `now` and the budget allows;
  // then the bucket stays busy for one window and one session start is spent.
  bool try_acquire(std::uint32_t shard_id, time_point now);

  // The earliest time try_acquire can succeed for this shard.
  time_point next_slot(std::uint32_t shard_id, time_point now) const;

  // True when no session start is left before the reset.
  bool is_budget_exhausted(time_point now) const;

  std::uint32_t remaining() const { return limits_.remaining; }
  std::uint32_t max_concurrency() const { return limits_.max_concurrency; }

 private:
  limits limits_;
  std::vector<time_point> bucket_free_at_;
};

}  // namespace gatehouse::core
