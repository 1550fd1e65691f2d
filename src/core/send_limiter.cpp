// The per-connection sliding send window (gateway-spec.md §5.1).
#include "core/send_limiter.hpp"

#include <algorithm>

namespace gatehouse::core {

send_limiter::send_limiter(send_limit_options options)
    : options_(options), ring_(std::max<std::uint32_t>(options.limit, 1)) {}

std::uint32_t send_limiter::command_budget() const {
  return options_.limit > options_.reserved ? options_.limit - options_.reserved : 0;
}

void send_limiter::reset() {
  head_ = 0;
  count_ = 0;
}

void send_limiter::expire(time_point now) {
  // A send at time t stops counting once t + window <= now.
  while (count_ > 0 && ring_[head_] + options_.window <= now) {
    head_ = (head_ + 1) % ring_.size();
    --count_;
  }
}

std::size_t send_limiter::in_window(time_point now) {
  expire(now);
  return count_;
}

bool send_limiter::can_send_command(time_point now) {
  return in_window(now) < command_budget();
}

void send_limiter::record(time_point now) {
  expire(now);
  if (count_ == ring_.size()) {
    head_ = (head_ + 1) % ring_.size();
    --count_;
  }
  ring_[(head_ + count_) % ring_.size()] = now;
  ++count_;
}

time_point send_limiter::next_command_slot(time_point now) {
  if (can_send_command(now)) {
    return now;
  }
  const std::uint32_t budget = command_budget();
  if (budget == 0) {
    return time_point::max();
  }

  // The window must shed sends until `budget -
  // 1` remain; the one that leaves last decides.
  const std::size_t must_leave = count_ - (budget - 1);
  const time_point last_leaving = ring_[(head_ + must_leave - 1) % ring_.size()];
  return last_leaving + options_.window;
}

}  // namespace gatehouse::core
