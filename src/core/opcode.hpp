// Gateway opcodes and which direction each may travel (gateway-spec.md §2.2).
#pragma once

#include <string_view>

namespace gatehouse::core {

enum class opcode : int {
  dispatch = 0,
  heartbeat = 1,
  identify = 2,
  presence_update = 3,
  voice_state_update = 4,
  resume = 6,
  reconnect = 7,
  request_guild_members = 8,
  invalid_session = 9,
  hello = 10,
  heartbeat_ack = 11,
  request_soundboard_sounds = 31,
  request_channel_info = 43,
};

// A client may send this opcode (1, 2, 3, 4, 6, 8, 31, 43).
constexpr bool is_sendable(int op) {
  switch (op) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 6:
    case 8:
    case 31:
    case 43:
      return true;
    default:
      return false;
  }
}

// The gateway may send this opcode (0, 1, 7, 9, 10, 11).
constexpr bool is_receivable(int op) {
  switch (op) {
    case 0:
    case 1:
    case 7:
    case 9:
    case 10:
    case 11:
      return true;
    default:
      return false;
  }
}

// An application command: sendable, and only once the session is active (§3.3, 4003).
constexpr bool is_command(int op) {
  switch (op) {
    case 3:
    case 4:
    case 8:
    case 31:
    case 43:
      return true;
    default:
      return false;
  }
}

// Allowed before READY or RESUMED: heartbeat, identify, resume.
constexpr bool is_allowed_before_auth(int op) {
  return op == 1 || op == 2 || op == 6;
}

// A short lower-case name for logs ("heartbeat_ack"), or "unknown".
std::string_view opcode_name(int op);

}  // namespace gatehouse::core
