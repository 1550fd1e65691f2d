// Readers for the few receive payloads the shard itself acts
// on: Hello, READY and Invalid Session (gateway-spec.md
// §2.2, §3.4). Each takes the raw `d` from the envelope.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "core/time.hpp"

namespace gatehouse::core {

struct ready_data {
  std::string session_id;
  std::string resume_gateway_url;  // empty when READY carried none
};

// Hello's heartbeat_interval (§3.1). Fails with error::malformed_message when
// it is missing or not a positive number of milliseconds.
duration read_hello(std::string_view d, std::error_code& ec);

// READY's session_id and resume_gateway_url; other fields are skipped. Fails
// with error::malformed_message when session_id is missing.
ready_data read_ready(std::string_view d, std::error_code& ec);

// Invalid Session's `d`: true when the session may be resumed (§3.8). Anything
// but `true` reads as false, the safe side.
bool read_invalid_session(std::string_view d);

}  // namespace gatehouse::core
