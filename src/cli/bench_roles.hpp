// The roles of `gatehouse bench`, one file each, and what they share: their flags, the options
// their shards connect with, and the JSON line each ends with.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>

#include "gatehouse/client_shard.hpp"

namespace gatehouse::cli {

struct bench_flags {
  std::string gateway_url;  // ws://127.0.0.1:PORT, the base without a query
  std::string api_base;     // reconnect: http://127.0.0.1:PORT/api/v10
  std::string control;      // reconnect: the control URL; empty: derived from api_base
  std::string compress = "none";
  std::uint64_t events = 200000;  // sink: the dispatches in the bench body
  std::uint64_t guilds = 0;       // sink: the session's GUILD_CREATEs
  std::uint32_t shards = 1;       // idle
  std::uint64_t settle_ms = 2000;
  std::uint64_t count = 1000;  // reconnect: op 7 round trips
  std::uint64_t timeout_s = 300;
  std::string log_level = "warn";
  std::string env_file = ".env";

  std::chrono::seconds timeout() const { return std::chrono::seconds(timeout_s); }
};

// Each role returns the process's exit code: 0 when it measured, 1 when the gateway failed it or
// it timed out, 2 for a configuration fault. Only the JSON result goes to stdout.
int run_bench_client(const bench_flags& flags);
int run_bench_sink(const bench_flags& flags);
int run_bench_idle(const bench_flags& flags);
int run_bench_reconnect(const bench_flags& flags);

// Intents that let every event of the stream through: GUILDS, GUILD_MEMBERS,
// GUILD_PRESENCES, GUILD_MESSAGES, GUILD_MESSAGE_TYPING, DIRECT_MESSAGES, MESSAGE_CONTENT.
std::uint32_t bench_intents();

// Options for one benchmark shard: the token from DISCORD_TOKEN (or the .env file), the bench
// intents, the flags' gateway URL and compression. Throws config_error.
client_options bench_client_options(const bench_flags& flags);

// Prints `result` as one line on stdout and flushes it.
void print_result(const boost::json::object& result);

}  // namespace gatehouse::cli
