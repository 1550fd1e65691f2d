// Faults the test gateway stages on demand: what each does, whom it targets, and how a fault
// is read from JSON (the control endpoint's body and a scenario file's fault list).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace gatehouse::testgw {

using std::chrono::milliseconds;

// A fault acts once, at the moment it is applied, on the connections it targets (the
// "instant" kinds), or stays in force on matching connections, present and future, until its
// `lasting` time runs out or the faults are cleared (the "lasting" kinds).
enum class fault_kind {
  // Instant.
  reconnect,               // send op 7 (§3.7)
  invalid_session,         // send op 9 with `resumable` as d (§3.8)
  heartbeat_request,       // send op 1; the client must answer at once (§3.2)
  close,                   // close with `code` and `reason`
  drop,                    // drop TCP with no close frame
  expire_session,          // end the session now; its resume is refused
  exhaust_session_budget,  // session_start_limit.remaining becomes 0 (§5.3)
  rest_status,             // the next `count` REST requests on `route` answer `status`

  // Lasting.
  go_silent,        // keep TCP open, read nothing, send nothing
  delay_acks,       // answer heartbeats with op 11 only after `delay`
  withhold_acks,    // never answer heartbeats
  delay_hello,      // send Hello `delay` after the upgrade
  delay_ready,      // send READY `delay` after a valid identify
  split_messages,   // zlib-stream: cut each compressed message into `parts` WS messages
  fragment_frames,  // send every WS message as frames of at most `fragment_size` bytes
  refuse_resume,    // the resume listener closes new TCP connections at once
  reset_resume,     // the resume listener upgrades, then resets TCP with no close frame
};

// "reconnect", "go_silent", ...; the names used in JSON.
std::string_view fault_kind_name(fault_kind kind);
std::optional<fault_kind> fault_kind_from_name(std::string_view name);

// Lasting kinds stay in force; instant kinds act once.
bool is_lasting(fault_kind kind);

struct fault {
  fault_kind kind = fault_kind::reconnect;

  // Target: connections of this session (empty: any), on this shard id (-1: any). A fault
  // with neither targets every connection.
  std::string session_id;
  int shard = -1;

  // Parameters; each kind reads only its own.
  std::uint16_t code = 4000;        // close
  std::string reason;               // close
  bool resumable = false;           // invalid_session
  milliseconds delay{0};            // delay_acks, delay_hello, delay_ready
  int parts = 2;                    // split_messages, at least 2
  std::size_t fragment_size = 512;  // fragment_frames, at least 1
  int status = 429;                 // rest_status: 429 or any 5xx
  std::string route;                // rest_status: a route key, "GET /gateway/bot"; empty: all
  int count = 1;                    // rest_status: requests; refuse/reset_resume: connections
                                    // (0: every one while the fault lasts)
  double retry_after = 1.0;         // rest_status 429: seconds
  bool global = false;              // rest_status 429: the global limit

  // Scheduling: applied `at` after the gateway starts (scenario files) or at once (zero);
  // a lasting fault ends after `lasting` (zero: until cleared).
  milliseconds at{0};
  milliseconds lasting{0};
};

// Reads {"kind":"close","code":4000,"session_id":"...","at_ms":100,"lasting_ms":0,...}.
// Field names are the struct's, with `_ms` on durations. Unknown fields are an error so that
// a misspelt scenario fails loudly: the result is empty and `what` names the fault.
std::optional<fault> parse_fault(const boost::json::value& json, std::string& what);

boost::json::value to_json(const fault& f);

}  // namespace gatehouse::testgw
