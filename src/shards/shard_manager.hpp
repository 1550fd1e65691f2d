// The shard manager: many client shards of one bot in one process, on one io_context, sharing
// one identify queue sized from GET /gateway/bot (gateway-spec.md §1.3, §5.2, §5.3, §6).
//
// Calling order: construct, set the callbacks, start(), run the io_context. start() fetches
// GET /gateway/bot, builds the identify queue from `max_concurrency` and the session start
// limit, then starts the shards in bucket order (ids 0, 1, ... so that each row of
// max_concurrency shards identifies together). close() ends every session with 1000; a
// manager event `stopped` follows once every shard has closed.
//
// Failures: a REST failure before any shard starts, or a fatal close code on any shard, stops
// every shard and is reported once as a manager event `fatal` (with the close code or the REST
// error). A 4011 "sharding required" is the exception when resharding is allowed: the manager
// closes every shard, fetches GET /gateway/bot again and restarts all shards with the count it
// recommends, through the same identify queue.
//
// Thread rules: run the io_context on one thread. Callbacks run on that thread, one at a time,
// and may call status() and close(). The manager must outlive the io_context's run.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "gatehouse/client_shard.hpp"

namespace gatehouse::shards {

struct manager_options {
  std::string token;  // bare and normalised; never logged
  std::string api_base = "https://discord.com/api/v10";
  std::uint32_t intents = 0;

  // 0: the count GET /gateway/bot recommends ("auto"). Otherwise this fixed count.
  std::uint32_t shard_count = 0;
  // The shard ids this process runs; empty: every id below the count.
  std::vector<std::uint32_t> shard_ids;
  // On 4011, re-plan from GET /gateway/bot and restart every shard with the recommended count.
  // Only when this process runs every shard (shard_ids empty); otherwise 4011 is fatal and the
  // message says how many shards are needed.
  bool reshard_on_4011 = true;

  compression transport_compression = compression::zlib_stream;
  std::string ca_file;  // PEM bundle for REST and the gateway; empty: the system store
  std::string presence;

  // The identify window per bucket (§5.2); tests shrink it along with the test gateway's.
  std::chrono::milliseconds identify_window{5000};
  std::chrono::milliseconds connect_timeout{15000};
  std::chrono::milliseconds handshake_timeout{10000};

  // GET /gateway/bot failing for a network or server reason (after the REST client's own
  // retries) is asked again after a wait of half to all of this, doubled each time up to the
  // cap, until it answers, is refused (a 401 is fatal) or close() is called: there is nothing to
  // connect to without it.
  std::chrono::milliseconds gateway_retry_delay{1000};
  std::chrono::milliseconds gateway_retry_cap{60000};

  // Expert and test settings for every shard (client_options::advanced).
  std::function<void(core::shard_options&)> advanced;
};

// What one shard is doing, for status lines and tests.
enum class shard_phase {
  pending,           // not started yet
  connecting,        // opening a connection or waiting for Hello
  identify_waiting,  // held back by the identify queue or the session start budget
  active,            // READY or RESUMED: dispatches flow
  reconnecting,      // the connection is being replaced
  fatal,             // stopped on a fatal close code
  closed,            // closed on request
};

std::string_view phase_name(shard_phase p);

struct shard_status {
  std::uint32_t shard_id = 0;
  std::uint32_t shard_count = 1;
  shard_phase phase = shard_phase::pending;
  std::string session_id;  // empty before READY
  std::uint64_t last_sequence = 0;
  std::uint64_t dispatches = 0;  // delivered to the application
  std::uint32_t ready = 0;       // READY received (new sessions)
  std::uint32_t resumes = 0;     // RESUMED received
  std::uint32_t reconnects = 0;  // connections replaced
  std::uint16_t last_close_code = 0;
};

enum class manager_event_kind {
  gateway_fetched,   // GET /gateway/bot answered: `shard_count` recommended, `max_concurrency`
  gateway_retrying,  // GET /gateway/bot failed for now: `reason`, `message`, asked again after
                     // `delay`
  starting,          // shards are being started with `shard_count`
  resharding,        // a 4011 came: every shard restarts with a new count
  fatal,             // stopped for good: `reason`, `close_code`, `message`
  stopped,           // every shard closed after close() or a fatal
};

struct manager_event {
  manager_event_kind kind;
  std::error_code reason{};      // fatal: a gatehouse::error or a rest::rest_error
  std::uint16_t close_code = 0;  // fatal: the gateway's close code, 0 when none
  std::string message{};         // fatal: explanation and fix on one line
  std::uint32_t shard_count = 0;
  std::uint32_t max_concurrency = 0;
  std::uint32_t session_starts_remaining = 0;
  std::string gateway_url{};          // gateway_fetched, without query
  std::chrono::milliseconds delay{};  // gateway_retrying
};

class shard_manager {
 public:
  shard_manager(boost::asio::io_context& io, manager_options options);
  ~shard_manager();
  shard_manager(const shard_manager&) = delete;
  shard_manager& operator=(const shard_manager&) = delete;

  // Set before start(). Dispatches and lifecycle events of every shard, and the manager's own.
  void on_dispatch(std::function<void(const dispatch_event&)> callback);
  void on_lifecycle(std::function<void(const lifecycle_event&)> callback);
  void on_event(std::function<void(const manager_event&)> callback);

  // Checks the options and begins (see the calling order above). Fails at once, with nothing
  // sent, for a configuration fault (token, intents, shard ids, API base).
  std::error_code start();

  // Ends every session with 1000; `stopped` follows. Safe to call more than once.
  void close();

  // Every shard of the current plan, by id.
  std::vector<shard_status> status() const;
  std::uint32_t shard_count() const;
  bool is_stopped() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace gatehouse::shards
