// The gateway's per-connection send limit as a sliding window
// (gateway-spec.md §5.1): commands use at most `limit - reserved`
// slots, so heartbeats, identify and resume always fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/shard_options.hpp"
#include "core/time.hpp"

namespace gatehouse::core {

class send_limiter {
 public:
  explicit send_limiter(send_limit_options options);

  // A new connection starts with an empty window.
  void reset();

  // True when a command may go out at `now`
  // without touching the reserved slots.
  bool can_send_command(time_point now);

  // Counts one payload sent at `now`. Reserved sends (heartbeat, identify,
  // resume) are counted too, and are never refused.
  void record(time_point now);

  // The earliest time a command may go out; `now` when it may go out already.
  time_point next_command_slot(time_point now);

  // Payloads sent within the window ending at `now`.
  std::size_t in_window(time_point now);

 private:
  void expire(time_point now);
  std::uint32_t command_budget() const;

  send_limit_options options_;
  // Send times, oldest first, in a ring that never grows past `limit`: once
  // full, the oldest time is dropped, which can only make the window look
  // emptier by a reserved send.
  std::vector<time_point> ring_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace gatehouse::core
