// One rate-limit bucket for one top-level resource: how many requests remain and when the
// window resets, as the server last reported it (§9.3). Pure arithmetic on caller time points.
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <optional>

namespace gatehouse::rest {

class bucket {
 public:
  // The earliest time a request may go: `now` while a request remains or the window has reset.
  // A bucket that has never been reported on never holds a request back.
  core::time_point available_at(core::time_point now) const;

  // Counts one request sent at `now`. Call only when available_at(now) <= now.
  void take(core::time_point now);

  // Takes what a response reported; absent fields keep their value.
  void update(std::optional<std::uint32_t> limit, std::optional<std::uint32_t> remaining,
              std::optional<core::duration> reset_after, core::time_point now);

  // A 429 for this bucket: nothing goes before `until`.
  void block_until(core::time_point until);

  bool is_known() const { return limit_.has_value(); }

  // Past its reset and any block: forgetting it loses nothing that matters.
  bool is_idle(core::time_point now) const { return now >= reset_at_ && now >= blocked_until_; }

 private:
  std::optional<std::uint32_t> limit_;  // unset until a response reports it
  std::uint32_t remaining_ = 0;
  core::time_point reset_at_{};
  core::time_point blocked_until_{};
};

}  // namespace gatehouse::rest
