// The shard state machine: one gateway session's logic across reconnects, with no I/O.
//
// The shard never reads a clock and never touches a socket. The caller (the transport's driver,
// or a test) hands it inputs with the current time and polls its outputs:
//
//   inputs   start, handle_open, handle_message, handle_close, handle_error, handle_timeout,
//            send_command, close, close_for_restart
//   outputs  poll_connect   a connection to open now (URL with query; resume or identify)
//            poll_transmit  a payload to send on the current connection (heartbeats first)
//            poll_close     the current connection to close, with its code
//            poll_event     dispatches and lifecycle events for the application
//            poll_timeout   when handle_timeout must next be called
//
// Calling order: after every input, drain poll_close, poll_connect, poll_transmit and
// poll_event, then re-arm one timer at poll_timeout(). A connection the shard asked to close is
// gone for it: the caller closes it (bounded in time) and reports nothing more about it. Inputs
// about a connection that is no longer current must not be passed in.
//
// Not thread-safe: one shard is driven from one thread (one strand) at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "core/event.hpp"
#include "core/opcode.hpp"
#include "core/session.hpp"
#include "core/shard_options.hpp"
#include "core/time.hpp"

namespace gatehouse::core {

enum class shard_state {
  idle,              // constructed, start() not called
  connecting,        // a connection was requested and has not opened
  waiting_hello,     // open, no Hello yet
  waiting_identify,  // Hello received, no session; the identify queue holds us back
  identifying,       // identify sent, READY not yet received
  resuming,          // resume sent, RESUMED not yet received
  active,            // READY or RESUMED received: commands flow
  reconnect_wait,    // disconnected; the next connection is due at the next deadline
  closed,            // close() or close_for_restart(); final
  fatal,             // a fatal close code or condition; final
};

std::string_view state_name(shard_state s);

struct connect_request {
  std::string url;  // base URL with "/?v=10&encoding=json[&compress=...]"
  bool resume;      // true: to the resume URL, a resume will follow Hello
};

struct outgoing {
  std::string payload;  // one JSON text frame, at most 4096 bytes
  opcode op;
  bool priority;  // heartbeats: ahead of anything queued on the connection
};

struct close_request {
  std::uint16_t code;
  std::string reason;
};

class shard {
 public:
  explicit shard(shard_options options);
  ~shard();
  shard(const shard&) = delete;
  shard& operator=(const shard&) = delete;

  // Begins: asks for the first connection (to the resume URL when options.resume_from holds a
  // session, to the gateway URL otherwise).
  void start(time_point now);

  // The requested connection opened (the WebSocket handshake completed).
  void handle_open(time_point now);

  // One complete text message from the current connection (decompressed). `padding` is how many
  // readable bytes follow `text` in memory; with enough for simdjson nothing is copied. The
  // dispatch events it brings view `text` (name and data): poll them before it changes.
  void handle_message(std::string_view text, time_point now, std::size_t padding = 0);

  // The current connection closed: `code` is the gateway's close code, 0 when the transport
  // dropped with no close frame.
  void handle_close(std::uint16_t code, std::string_view reason, time_point now);

  // The current or requested connection failed (connect, TLS, upgrade, decompression, an
  // oversized message). The shard reconnects with backoff.
  void handle_error(std::error_code ec, time_point now);

  // The deadline from poll_timeout() passed.
  void handle_timeout(time_point now);

  // Queues an application command (presence, voice state, request members, ...): `data` is the
  // JSON of `d`. Sent once the session is active, within the send limit. Refused, and never
  // sent, when the opcode is not a command, the payload would exceed 4096 bytes, the queue is
  // full or the shard has stopped. A presence update replaces one still queued.
  std::error_code send_command(opcode op, std::string_view data, time_point now);

  // Ends the session for good: closes with 1000, nothing is resumed.
  void close(time_point now);

  // Closes with a 4000-range code and hands back the session so that a later process can
  // resume it (shard_options::resume_from).
  session_state close_for_restart(time_point now);

  std::optional<connect_request> poll_connect();
  std::optional<outgoing> poll_transmit();
  std::optional<close_request> poll_close();
  std::optional<event> poll_event();
  std::optional<time_point> poll_timeout() const;

  shard_state state() const;
  const session_state& session() const;
  // The round trip of the last acknowledged heartbeat on the current connection.
  std::optional<duration> heartbeat_latency() const;
  bool is_active() const { return state() == shard_state::active; }
  bool is_stopped() const;
  std::uint32_t shard_id() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gatehouse::core
