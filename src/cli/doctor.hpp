// `gatehouse doctor`: finds out, step by step, why a bot cannot connect. Each step prints one
// line, OK or FAIL, and a failing step says how to fix it.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

#include "cli/config.hpp"
#include "gatehouse/client_shard.hpp"

namespace gatehouse::cli {

struct doctor_options {
  env_lookup env;                           // where DISCORD_TOKEN is looked up first
  std::filesystem::path env_file = ".env";  // then here
  std::string api_base = "https://discord.com/api/v10";
  std::string intents = "GUILDS,GUILD_MESSAGES,DIRECT_MESSAGES";
  std::string ca_file;
  compression transport_compression = compression::zlib_stream;
  std::chrono::milliseconds gateway_timeout{20000};  // for the connect, Hello and READY steps
};

// Runs every step it can, writing one line per step to `out`. Returns 0 when every step
// passed, or the exit code (output.hpp) of the first failure. Never prints the token.
int diagnose(const doctor_options& options, std::ostream& out);

// Adds the `doctor` subcommand; its exit code is diagnose()'s.
void add_doctor_command(CLI::App& app);

}  // namespace gatehouse::cli
