// Gateway close codes and the one action gatehouse takes for each (gateway-spec.md §4).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::core {

enum class close_code : std::uint16_t {
  normal = 1000,
  going_away = 1001,
  unknown_error = 4000,
  unknown_opcode = 4001,
  decode_error = 4002,
  not_authenticated = 4003,
  authentication_failed = 4004,
  already_authenticated = 4005,
  invalid_seq = 4007,
  rate_limited = 4008,
  session_timed_out = 4009,
  invalid_shard = 4010,
  sharding_required = 4011,
  invalid_api_version = 4012,
  invalid_intents = 4013,
  disallowed_intents = 4014,
};

// Whether an endpoint may put `code` in a close frame (RFC 6455 §7.4): 1000-4999 except 1004,
// 1005, 1006 and 1015. Takes a wide integer so that a value is checked before it is narrowed.
bool is_sendable_close_code(std::int64_t code);

// The code gatehouse closes with when it means to resume: in the 4000 range, so the session
// survives (1000 and 1001 destroy it, §3.9), and not one Discord assigns a meaning to.
inline constexpr std::uint16_t resume_close_code = 4900;

// What the client does after the gateway closed with a given code.
enum class close_action {
  resume,       // reconnect and resume when a session exists, identify otherwise
  new_session,  // forget the session, reconnect to the gateway URL and identify
  fatal,        // stop the shard; retrying cannot succeed until the user fixes something
};

struct close_policy {
  std::uint16_t code;
  std::string_view name;  // Discord's name, "Disallowed intent(s)"
  close_action action;
  std::string_view explanation;  // one line, what went wrong, for the operator
  std::string_view fix;          // one line, what the user must change; empty unless fatal
};

// The policy for a code. Codes outside the table (1006, 4006, anything unlisted) resume, as
// the spec advises for unlisted codes.
const close_policy& policy_for(std::uint16_t code);

inline bool is_fatal(std::uint16_t code) {
  return policy_for(code).action == close_action::fatal;
}

// The operator's message for a fatal close: explanation and fix on one line. For 4014 it names
// the privileged intents in `requested_intents` and where to enable them; for 4013 the bits that
// are not defined.
std::string describe_fatal_close(std::uint16_t code, std::uint32_t requested_intents);

}  // namespace gatehouse::core
