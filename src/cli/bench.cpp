// `gatehouse bench`: the roles' flags, their logging, and what the roles share.
#include "cli/bench.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "cli/bench_roles.hpp"
#include "cli/config.hpp"
#include "cli/log_level.hpp"
#include "cli/run.hpp"
#include "core/intents.hpp"

namespace gatehouse::cli {

namespace {

using role_function = std::function<int(const bench_flags&)>;

// Logs go to stderr at warn by default: a role logs nothing per event.
int run_role(const std::string& name, const role_function& role, const bench_flags& flags) {
  start_stderr_log("bench", flags.log_level);

  try {
    return role(flags);
  } catch (const config_error& e) {
    std::fprintf(stderr, "gatehouse bench %s: %s\n", name.c_str(), e.what());
    return 2;
  }
}

CLI::App* add_role(CLI::App& bench, const std::string& name, const std::string& description,
                   std::shared_ptr<bench_flags> flags, role_function role) {
  auto* cmd = bench.add_subcommand(name, description);
  cmd->add_option("--gateway-url", flags->gateway_url, "the test gateway, ws://127.0.0.1:PORT")
      ->required();
  cmd->add_option("--timeout-s", flags->timeout_s, "give up after this many seconds")
      ->capture_default_str();
  add_log_level_option(*cmd, flags->log_level, "log level on stderr");
  cmd->add_option("--env-file", flags->env_file, "the .env file to read DISCORD_TOKEN from")
      ->capture_default_str();
  cmd->callback([name, flags, role] {
    if (const int code = run_role(name, role, *flags); code != 0) {
      throw CLI::RuntimeError(code);
    }
  });

  return cmd;
}

void add_compress_option(CLI::App* cmd, bench_flags& flags) {
  cmd->add_option("--compress", flags.compress, "none, zlib-stream or zstd-stream")
      ->capture_default_str();
}

}  // namespace

std::uint32_t bench_intents() {
  constexpr std::uint32_t guild_message_typing = 1u << 11;

  return core::guilds_intent | core::guild_members_intent | core::guild_presences_intent |
         core::guild_messages_intent | guild_message_typing | core::direct_messages_intent |
         core::message_content_intent;
}

client_options bench_client_options(const bench_flags& flags) {
  client_options o;
  o.token = load_token(process_environment(), flags.env_file).token;
  o.intents = bench_intents();
  o.gateway_url = flags.gateway_url;
  o.transport_compression = parse_compression(flags.compress);

  return o;
}

void print_result(const boost::json::object& result) {
  const std::string line = boost::json::serialize(result);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void add_bench_command(CLI::App& app) {
  auto flags = std::make_shared<bench_flags>();
  auto* bench = app.add_subcommand(
      "bench", "the benchmark's measuring programs; each prints one JSON line on stdout");
  bench->require_subcommand(1);
  bench->footer("The token is read from DISCORD_TOKEN, or from DISCORD_TOKEN= in the .env file.");

  auto* client =
      add_role(*bench, "client", "one shard counting the bench stream's events until BENCH_DONE",
               flags, run_bench_client);
  add_compress_option(client, *flags);

  auto* sink = add_role(*bench, "sink",
                        "identify, then read the bench stream's messages without decoding them",
                        flags, run_bench_sink);
  add_compress_option(sink, *flags);
  sink->add_option("--events", flags->events, "dispatches in the bench body")
      ->capture_default_str();
  sink->add_option("--guilds", flags->guilds, "GUILD_CREATEs after READY")->capture_default_str();

  auto* idle =
      add_role(*bench, "idle", "resident memory of K connected idle shards", flags, run_bench_idle);
  add_compress_option(idle, *flags);
  idle->add_option("--shards", flags->shards, "shards in this process")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  idle->add_option("--settle-ms", flags->settle_ms, "wait after the last guild arrived")
      ->capture_default_str();

  auto* reconnect = add_role(*bench, "reconnect", "op 7 to RESUMED, median and tail over COUNT",
                             flags, run_bench_reconnect);
  add_compress_option(reconnect, *flags);
  reconnect->add_option("--api-base", flags->api_base, "http://127.0.0.1:PORT/api/v10");
  reconnect->add_option("--control", flags->control, "the control URL; default: from --api-base");
  reconnect->add_option("--count", flags->count, "op 7 round trips")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}))
      ->capture_default_str();
}

}  // namespace gatehouse::cli
