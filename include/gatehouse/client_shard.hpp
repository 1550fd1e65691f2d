// The application-facing shard: one gateway session, kept alive across reconnects, on the
// caller's io_context. What a bot author includes.
//
//   boost::asio::io_context io;
//   gatehouse::client_shard shard(io, {.token = token, .intents = intents});
//   shard.on_dispatch([](const gatehouse::dispatch_event& e) { ... e.parse(parser) ... });
//   shard.on_lifecycle([](const gatehouse::lifecycle_event& e) { ... });
//   if (auto ec = shard.start()) { /* a configuration fault: ec.message() */ }
//   io.run();
//
// Thread rules: a client_shard starts no threads. It runs on a strand of the io_context it is
// given; call its member functions from that strand (inside its callbacks, or through
// boost::asio::post(shard.get_executor(), ...)), or from any one thread before the io_context
// runs. Callbacks are always invoked on the strand, one at a time, and may call back into the
// shard, but must not destroy it. Destroying the shard drops its connection without a close
// frame (the session stays resumable for a few minutes); call close() first to end it.
//
// The token is never logged, never put into an error message and never formatted into any
// string the library produces.
#pragma once

#include <simdjson.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::core {
class identify_queue;
struct shard_options;
}  // namespace gatehouse::core

namespace gatehouse {

enum class compression { none, zlib_stream, zstd_stream };

// What close_for_restart() hands back, and what a later process resumes from.
struct session_handle {
  std::string session_id;
  std::uint64_t sequence = 0;
  std::string resume_url;

  bool can_resume() const { return !session_id.empty(); }
};

struct client_options {
  std::string token;  // the bare bot token, normalised (see the CLI's configuration)
  std::uint32_t intents = 0;
  std::uint32_t shard_id = 0;
  std::uint32_t shard_count = 1;

  // wss:// always; ws:// only to a loopback test gateway.
  std::string gateway_url = "wss://gateway.discord.gg/";
  compression transport_compression = compression::zlib_stream;

  std::string ca_file;  // PEM bundle to verify the gateway with; empty: the system store
  std::size_t max_message_size = 64 * 1024 * 1024;  // per message, after decompression too
  std::chrono::milliseconds connect_timeout{15000};
  std::chrono::milliseconds handshake_timeout{10000};  // TLS, WebSocket and closing handshakes

  std::string presence;        // the `d` of the initial presence (op 3 shape); empty: none
  session_handle resume_from;  // resumes this session first when set

  // Shared by the shards of one process (the shard manager); empty: a queue of its own.
  std::shared_ptr<core::identify_queue> identify_queue;

  // Expert and test settings, applied last to the core shard's options
  // (core/shard_options.hpp): backoff, the op 9 wait, Hello and READY timeouts.
  std::function<void(core::shard_options&)> advanced;
};

// One op 0 event. Views are valid only during the callback.
struct dispatch_event {
  std::string_view name;  // "MESSAGE_CREATE"
  std::uint64_t sequence;
  std::uint32_t shard_id;
  std::string_view data;  // the raw JSON of `d`
  std::size_t padding;    // readable bytes after `data` in memory

  // Parses `data` with simdjson's on-demand API. In place when the padding allows and the next
  // byte does not close an object or array; a dispatch's `d` is followed by its envelope's `}`,
  // so it is nearly always copied (one memcpy) into a buffer owned by this thread, valid until
  // the next parse() on it. The document is valid while `parser` is, and at most until the
  // callback returns.
  simdjson::simdjson_result<simdjson::ondemand::document> parse(
      simdjson::ondemand::parser& parser) const;
};

enum class lifecycle_kind {
  connected,         // a connection opened and the gateway said Hello
  ready,             // READY: a new session
  resumed,           // RESUMED: the session continued
  reconnecting,      // the connection is being replaced; `reason`, `close_code`, `resume`, `delay`
  identify_waiting,  // held back by the identify queue or the session-start budget until `delay`
  fatal,             // stopped for good; `message` says what to fix
  closed,            // closed on request
};

struct lifecycle_event {
  lifecycle_kind kind;
  std::uint32_t shard_id = 0;
  std::error_code reason{};           // reconnecting, fatal
  std::uint16_t close_code = 0;       // the gateway's close code, 0 when none
  bool resume = false;                // reconnecting: the next connection resumes
  std::chrono::milliseconds delay{};  // reconnecting, identify_waiting: how long until it goes on
  std::string message{};              // fatal: explanation and fix; ready: the session id
  std::uint64_t replayed = 0;         // resumed: dispatches replayed
};

// Opcodes of commands an application may send.
enum class command_opcode : int {
  presence_update = 3,
  voice_state_update = 4,
  request_guild_members = 8,
  request_soundboard_sounds = 31,
  request_channel_info = 43,
};

class client_shard {
 public:
  using executor_type = boost::asio::strand<boost::asio::io_context::executor_type>;

  // Nothing is checked or sent until start().
  client_shard(boost::asio::io_context& io, client_options options);
  ~client_shard();
  client_shard(const client_shard&) = delete;
  client_shard& operator=(const client_shard&) = delete;

  // Set before start(); replaced callbacks apply to the next event.
  void on_dispatch(std::function<void(const dispatch_event&)> callback);
  void on_lifecycle(std::function<void(const lifecycle_event&)> callback);

  // Checks the options (token, intents, URL, CA file) and begins connecting. Fails, with
  // nothing sent, for a configuration fault (its condition is error_condition_kind::
  // configuration). Connection faults later are healed by reconnecting and reported as
  // lifecycle events.
  std::error_code start();

  // Queues a command; `data` is the JSON of `d`. Sent once the session is active, within the
  // gateway's send limit. Refused, and never sent, when the payload would exceed 4096 bytes,
  // the queue is full or the shard has stopped.
  std::error_code send_command(command_opcode op, std::string_view data);

  // Sets the presence: `status` is "online", "idle", "dnd" or "invisible"; `activity`, when
  // given, is shown as a custom status. Replaces a presence update still queued.
  std::error_code update_presence(std::string_view status, std::string_view activity = {});

  // Ends the session for good: closes with 1000; a lifecycle `closed` event follows.
  void close();

  // Closes so that the session survives, and hands it back for a later process
  // (client_options::resume_from).
  session_handle close_for_restart();

  bool is_active() const;
  std::uint32_t shard_id() const;
  executor_type get_executor() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gatehouse
