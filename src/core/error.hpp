// The errors gatehouse reports, as std::error_code values of one category, with conditions
// that sort them into what heals by itself and what a person must fix.
#pragma once

#include <system_error>
#include <type_traits>

namespace gatehouse {

enum class error {
  // Refused locally, never sent.
  payload_too_large = 1,  // a payload over 4096 bytes (§5.4)
  receive_only_opcode,    // an opcode the client may not send (§2.2)
  reserved_opcode,        // heartbeat, identify and resume are the shard's own
  command_queue_full,     // the per-shard command queue is at its bound
  shard_stopped,          // the shard was closed or stopped on a fatal code
  invalid_payload,        // a command whose `d` is not one JSON value

  // Configuration, refused before any connection.
  invalid_token,          // empty, or inner whitespace or control characters
  unknown_intent,         // an intent name that does not exist
  undefined_intent_bits,  // bits outside the documented set (would bring 4013)
  invalid_shard,          // shard id not below the shard count

  // Connection faults that heal by reconnecting.
  hello_timeout,         // no Hello within the bound after opening
  ready_timeout,         // no READY or RESUMED within the bound after identify or resume
  zombied_connection,    // a heartbeat went unacknowledged until the next was due
  reconnect_requested,   // the gateway sent op 7
  session_invalidated,   // the gateway sent op 9
  connection_closed,     // the gateway closed, or the transport dropped, a live connection
  connect_failed,        // the connection could not be opened (DNS, TCP, TLS, upgrade)
  decompression_failed,  // corrupt zlib-stream or zstd-stream data
  message_too_large,     // an inbound message over the configured limit
  malformed_message,     // inbound text that is not a gateway payload
  resume_failed,         // consecutive resumes failed up to the cap; identifying instead

  // Stops the shard until a person acts.
  fatal_close,  // the gateway closed with a code that must not be retried
};

enum class error_condition_kind {
  reconnectable = 1,  // the shard heals by itself
  fatal,              // the shard stopped; a person must act
  local_refusal,      // the call was refused and nothing was sent
  configuration,      // refused before connecting
};

const std::error_category& gateway_category();
const std::error_category& gateway_condition_category();

std::error_code make_error_code(error e);
std::error_condition make_error_condition(error_condition_kind c);

}  // namespace gatehouse

template <>
struct std::is_error_code_enum<gatehouse::error> : std::true_type {};
template <>
struct std::is_error_condition_enum<gatehouse::error_condition_kind> : std::true_type {};
