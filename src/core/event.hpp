// What a shard tells the application: dispatches and lifecycle steps, polled from the core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

#include "core/time.hpp"

namespace gatehouse::core {

// An op 0 event. `name` and `data` view the message last handed to handle_message and stay
// valid until the next handle_* call on the shard.
struct dispatch_event {
  std::string_view name;  // "MESSAGE_CREATE"
  std::uint64_t sequence;
  std::string_view data;  // the raw JSON of `d`
};

// A connection opened and the gateway said Hello.
struct hello_event {
  duration heartbeat_interval;
  duration first_heartbeat_delay;  // interval times the jitter
};

// READY created a session.
struct ready_event {
  std::string session_id;
  std::string resume_url;
};

// RESUMED ended the replay; `replayed` dispatches were delivered since the resume was sent.
struct resumed_event {
  std::uint64_t replayed;
};

// The connection is being replaced. `reason` is a gatehouse::error; `close_code` is the code the
// gateway closed with, 0 when none. `resume` says whether the next connection resumes.
struct reconnecting_event {
  std::error_code reason;
  std::uint16_t close_code;
  bool resume;
  duration delay;  // until the next connection is opened
};

// The identify queue or the session-start budget holds this shard back until `until`.
struct identify_waiting_event {
  time_point until;
  bool budget_exhausted;  // true: the daily session-start budget is used up (operator warning)
};

// The shard stopped for good: a fatal close code, or a fatal local condition.
struct fatal_event {
  std::error_code reason;
  std::uint16_t close_code;
  std::string message;  // explanation and fix, one line
};

// The shard closed on request (close() or close_for_restart()).
struct closed_event {
  bool resumable;  // true after close_for_restart()
};

using event = std::variant<dispatch_event, hello_event, ready_event, resumed_event,
                           reconnecting_event, identify_waiting_event, fatal_event, closed_event>;

}  // namespace gatehouse::core
