// The global request limit as a sliding one-second window (§9.5).
#include "rest/global_limit.hpp"

#include <algorithm>

namespace gatehouse::rest {

core::time_point global_limit::available_at(core::time_point now) {
  forget_before(now);
  const core::time_point earliest = std::max(now, blocked_until_);
  if (sent_.size() < per_second_) {
    return earliest;
  }

  // The window frees a slot when the oldest send is a second old.
  return std::max(earliest, sent_.front() + core::seconds(1));
}

void global_limit::take(core::time_point now) {
  forget_before(now);
  sent_.push_back(now);
}

void global_limit::block_until(core::time_point until) {
  blocked_until_ = std::max(blocked_until_, until);
}

void global_limit::forget_before(core::time_point now) {
  while (!sent_.empty() && sent_.front() + core::seconds(1) <= now) {
    sent_.pop_front();
  }
}

}  // namespace gatehouse::rest
