// Exponential backoff with full jitter.
#include "core/backoff.hpp"

#include <algorithm>

namespace gatehouse::core {

duration backoff::ceiling() const {
  if (attempts_ == 0) {
    return duration::zero();
  }

  // Doubling stops at the cap, so the shift never overflows.
  duration ceiling = options_.base;
  for (std::uint32_t i = 1; i < attempts_ && ceiling < options_.cap; ++i) {
    ceiling *= 2;
  }
  return std::min(ceiling, options_.cap);
}

duration backoff::next_delay(double random01) {
  const duration ceiling = this->ceiling();
  ++attempts_;

  // Full jitter spreads many shards that dropped together over the whole range.
  const double r = std::clamp(random01, 0.0, 1.0);
  return std::chrono::duration_cast<duration>(ceiling * r);
}

}  // namespace gatehouse::core
