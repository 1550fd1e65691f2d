// The bot-wide limit: at most N requests in any one second (50 by default, §9.5), and a full
// stop until a global 429 has expired. Pure arithmetic on caller time points.
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <deque>

namespace gatehouse::rest {

class global_limit {
 public:
  explicit global_limit(std::uint32_t per_second = 50) : per_second_(per_second) {}

  // The earliest time one more request may go.
  core::time_point available_at(core::time_point now);

  // Counts one request sent at `now`.
  void take(core::time_point now);

  // A global 429: nothing goes before `until`.
  void block_until(core::time_point until);

 private:
  void forget_before(core::time_point now);

  std::uint32_t per_second_;
  std::deque<core::time_point> sent_;  // send times within the last second, oldest first
  core::time_point blocked_until_{};
};

}  // namespace gatehouse::rest
