// The heartbeat schedule of one connection: the jittered first beat, the
// interval, ACK tracking and zombie detection (gateway-spec.md §3.2). It
// decides; the shard sends.
#pragma once

#include <optional>

#include "core/time.hpp"

namespace gatehouse::core {

class heartbeat {
 public:
  enum class action {
    none,     // not due yet
    beat,     // send a heartbeat now (then call on_sent)
    zombied,  // the last beat was never acknowledged: the connection is dead
  };

  // Starts from Hello: the first beat is due
  // after interval * jitter, jitter in [0, 1).
  void start(duration interval, double jitter, time_point now);

  // The connection ended; nothing is due any more.
  void stop();

  bool is_running() const { return due_.has_value(); }

  // When the next scheduled beat is due, if running.
  std::optional<time_point> deadline() const { return due_; }

  // What to do at `now`: a due beat whose predecessor got no ACK means zombied.
  action poll(time_point now) const;

  // A scheduled beat went out at `now`; the next is due one interval later.
  void on_sent(time_point now);

  // The gateway asked for a beat (op 1) and it went out at once; the schedule
  // stays, and the beat waits for its ACK like any other.
  void on_requested(time_point now);

  // An ACK arrived; returns the round trip of
  // the beat it answers, if one was waiting.
  std::optional<duration> on_ack(time_point now);

  duration interval() const { return interval_; }
  bool is_awaiting_ack() const { return awaiting_ack_; }

 private:
  duration interval_{};
  std::optional<time_point> due_;
  time_point sent_at_{};
  bool awaiting_ack_ = false;
};

}  // namespace gatehouse::core
