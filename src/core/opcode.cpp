// Names of the gateway opcodes, for logs.
#include "core/opcode.hpp"

namespace gatehouse::core {

std::string_view opcode_name(int op) {
  switch (op) {
    case 0:
      return "dispatch";
    case 1:
      return "heartbeat";
    case 2:
      return "identify";
    case 3:
      return "presence_update";
    case 4:
      return "voice_state_update";
    case 6:
      return "resume";
    case 7:
      return "reconnect";
    case 8:
      return "request_guild_members";
    case 9:
      return "invalid_session";
    case 10:
      return "hello";
    case 11:
      return "heartbeat_ack";
    case 31:
      return "request_soundboard_sounds";
    case 43:
      return "request_channel_info";
    default:
      return "unknown";
  }
}

}  // namespace gatehouse::core
