// What `gatehouse run` and `gatehouse demo` print: one readable line per dispatch, per
// lifecycle step and per shard manager step, and the exit code of each class of failure.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gatehouse/client_shard.hpp"
#include "shards/shard_manager.hpp"

namespace gatehouse::cli {

// The process's exit codes, one per class of failure a person fixes differently.
enum class exit_code : int {
  ok = 0,
  failure = 1,         // anything else: the network, TLS, the gateway unreachable
  configuration = 2,   // flags, token format, intents names, a token on the command line
  authentication = 3,  // 4004 or REST 401: the token was rejected
  intents = 4,         // 4013 or 4014: invalid or disallowed intents
  sharding = 5,        // 4010 or 4011: the shard layout is wrong
  api_version = 6,     // 4012
};

// The exit code for a manager's fatal event: by close code, or by the REST error.
exit_code exit_code_for(const shards::manager_event& fatal);

// The exit codes as `--help` and the README list them, one per line; `success` says what 0
// means for the command.
std::string exit_code_help(std::string_view success);

// The fields of a dispatch a person wants to see; empty when the event has none.
struct dispatch_fields {
  std::string guild;    // guild_id, or a GUILD_CREATE's name (id)
  std::string channel;  // channel_id
  std::string author;   // author.username
  std::string content;  // message content, whole
};

// Reads the fields from the raw JSON of `d`; unknown shapes give empty fields, never an error.
dispatch_fields read_fields(std::string_view event_name, std::string_view d);

// At most `max` characters (UTF-8 code points) of `text` with control characters shown as
// spaces, and "…" when it was cut.
std::string shorten(std::string_view text, std::size_t max);

// "12:04:05.123": the UTC time of day with milliseconds.
std::string clock_time(std::chrono::system_clock::time_point t);

// "12:04:05.123 shard=0 MESSAGE_CREATE s=42 guild=1 channel=2 author=mason "hello""
std::string format_dispatch(std::chrono::system_clock::time_point t, std::uint32_t shard,
                            std::string_view name, std::uint64_t sequence,
                            const dispatch_fields& fields);

// "12:04:05.123 shard=0 reconnecting close_code=4000 resume=true delay_ms=0 reason=..."
std::string format_lifecycle(std::chrono::system_clock::time_point t, const lifecycle_event& e);

// "12:04:05.123 manager gateway_fetched shards=3 max_concurrency=1 ..."
std::string format_manager_event(std::chrono::system_clock::time_point t,
                                 const shards::manager_event& e);

}  // namespace gatehouse::cli
