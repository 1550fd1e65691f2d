// Identify concurrency buckets and the session-start budget.
#include "testgw/identify_limits.hpp"

#include <algorithm>

namespace gatehouse::testgw {

identify_limits::identify_limits(int max_concurrency, clock::duration window, int total,
                                 int remaining, clock::duration budget_window,
                                 clock::time_point start)
    : last_(static_cast<std::size_t>(std::max(max_concurrency, 1))),
      used_(last_.size(), false),
      window_(window),
      total_(total),
      remaining_(std::min(remaining, total)),
      budget_window_(budget_window),
      budget_reset_at_(start + budget_window) {}

void identify_limits::refill(clock::time_point now) {
  if (budget_window_ <= clock::duration::zero()) {
    return;
  }
  while (now >= budget_reset_at_) {
    remaining_ = total_;
    budget_reset_at_ += budget_window_;
  }
}

identify_verdict identify_limits::try_identify(std::uint32_t shard_id, clock::time_point now) {
  refill(now);
  std::size_t bucket = shard_id % last_.size();  // §5.2: rate_limit_key

  if (used_[bucket] && now - last_[bucket] < window_) {
    return identify_verdict::concurrency;
  }
  if (remaining_ <= 0) {
    return identify_verdict::budget;
  }
  used_[bucket] = true;
  last_[bucket] = now;
  --remaining_;

  return identify_verdict::allowed;
}

int identify_limits::remaining(clock::time_point now) {
  refill(now);
  return remaining_;
}

identify_limits::clock::duration identify_limits::reset_after(clock::time_point now) {
  refill(now);
  return budget_reset_at_ - now;
}

}  // namespace gatehouse::testgw
