// Bucket arithmetic (§9.3).
#include "rest/bucket.hpp"

#include <algorithm>

namespace gatehouse::rest {

core::time_point bucket::available_at(core::time_point now) const {
  const core::time_point earliest = std::max(now, blocked_until_);
  if (!limit_ || remaining_ > 0 || earliest >= reset_at_) {
    return earliest;
  }
  return reset_at_;
}

void bucket::take(core::time_point now) {
  if (!limit_) {
    return;
  }

  // The window passed without a response telling us so: assume it refilled.
  if (now >= reset_at_ && remaining_ == 0) {
    remaining_ = *limit_;
  }
  if (remaining_ > 0) {
    --remaining_;
  }
}

void bucket::update(std::optional<std::uint32_t> limit, std::optional<std::uint32_t> remaining,
                    std::optional<core::duration> reset_after, core::time_point now) {
  if (limit) {
    limit_ = *limit;
  }
  if (remaining && limit_) {
    remaining_ = *remaining;
  }
  if (reset_after) {
    reset_at_ = now + *reset_after;
  }
}

void bucket::block_until(core::time_point until) {
  blocked_until_ = std::max(blocked_until_, until);
}

}  // namespace gatehouse::rest
