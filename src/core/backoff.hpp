// Reconnect delays: exponential with full
// jitter, forgotten after a stable session.
#pragma once

#include <cstdint>

#include "core/shard_options.hpp"
#include "core/time.hpp"

namespace gatehouse::core {

class backoff {
 public:
  explicit backoff(backoff_options options) : options_(options) {}

  // The delay before the next reconnect, then counts it. The first after a
  // reset is zero; the n-th after that is uniform in [0, min(cap, base *
  // 2^(n-1))) for `random01` in [0, 1).
  duration next_delay(double random01);

  // A session that stayed active for
  // reset_after forgets the earlier reconnects.
  void reset() { attempts_ = 0; }

  // The largest delay the next call can return.
  duration ceiling() const;

  std::uint32_t attempts() const { return attempts_; }
  const backoff_options& options() const { return options_; }

 private:
  backoff_options options_;
  std::uint32_t attempts_ = 0;
};

}  // namespace gatehouse::core
