// Everything a shard is configured with; defaults follow Discord's documented values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/identify_queue.hpp"
#include "core/session.hpp"
#include "core/time.hpp"

namespace gatehouse::core {

enum class transport_compression { none, zlib_stream, zstd_stream };

// Reconnect delays: exponential with full jitter, delay = uniform(0, min(cap, base * 2^n)) for
// the n-th consecutive failure. The first reconnect after a healthy connection is immediate.
struct backoff_options {
  duration base = seconds(1);
  duration cap = seconds(60);
  duration reset_after = seconds(60);  // a session active this long clears the failure count
};

// The gateway's send limit per connection (§5.1) and the room kept for heartbeats.
struct send_limit_options {
  std::uint32_t limit = 120;
  duration window = seconds(60);
  std::uint32_t reserved = 5;  // slots commands may never use: heartbeats, identify, resume
};

struct shard_options {
  std::string token;  // bare and normalised (core/token.hpp); never logged
  std::uint32_t intents = 0;
  std::uint32_t shard_id = 0;
  std::uint32_t shard_count = 1;
  bool send_shard = false;  // include `shard` in identify; true whenever shard_count > 1

  std::string gateway_url;  // from GET /gateway/bot, e.g. "wss://gateway.discord.gg/"
  transport_compression compression = transport_compression::none;
  int api_version = 10;

  int large_threshold = 50;
  std::string presence;  // the `d` of an initial presence (op 3 shape), empty for none
  std::string os = "linux";
  std::string library = "gatehouse";

  duration hello_timeout = seconds(20);
  duration ready_timeout = seconds(60);
  backoff_options backoff;
  std::uint32_t max_resume_failures = 3;  // then the session is dropped and a new one identified
  duration invalid_session_min_wait = seconds(1);  // before identifying after op 9 false (§3.8)
  duration invalid_session_max_wait = seconds(5);
  send_limit_options send_limit;
  std::size_t command_queue_capacity = 1000;

  session_state resume_from;  // a session handed over by close_for_restart(), resumed first

  // Uniform in [0, 1): heartbeat jitter, backoff and the op 9 wait. Empty: a PRNG seeded with
  // random_seed.
  std::function<double()> random;
  std::uint64_t random_seed = 0;

  // Shared by the shards of one process; empty: a queue of this shard's own (max_concurrency 1).
  std::shared_ptr<identify_queue> identify;
};

}  // namespace gatehouse::core
