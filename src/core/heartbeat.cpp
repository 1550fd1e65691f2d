// Heartbeat schedule and zombie detection (gateway-spec.md §3.2).
#include "core/heartbeat.hpp"

#include <algorithm>

namespace gatehouse::core {

void heartbeat::start(duration interval, double jitter, time_point now) {
  interval_ = interval;
  const double j = std::clamp(jitter, 0.0, 1.0);
  due_ = now + std::chrono::duration_cast<duration>(interval * j);  // §3.1: interval * jitter
  awaiting_ack_ = false;
}

void heartbeat::stop() {
  due_.reset();
  awaiting_ack_ = false;
}

heartbeat::action heartbeat::poll(time_point now) const {
  if (!due_ || now < *due_) {
    return action::none;
  }
  return awaiting_ack_ ? action::zombied : action::beat;  // §3.2: no ACK before the next beat
}

void heartbeat::on_sent(time_point now) {
  // Counted from the send, so a late timer
  // never makes the next beat early (§3.2).
  due_ = now + interval_;
  sent_at_ = now;
  awaiting_ack_ = true;
}

void heartbeat::on_requested(time_point now) {
  sent_at_ = now;
  awaiting_ack_ = true;
}

std::optional<duration> heartbeat::on_ack(time_point now) {
  if (!awaiting_ack_) {
    return std::nullopt;
  }
  awaiting_ack_ = false;
  return now - sent_at_;
}

}  // namespace gatehouse::core
