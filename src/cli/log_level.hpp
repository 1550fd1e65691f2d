// The --log-level option every subcommand takes: one list of names, checked when parsed, so a
// misspelt level is a usage error instead of a silent fallback.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace gatehouse::cli {

// Adds --log-level to `cmd`, bound to `level`, accepting only spdlog's level names (trace, debug,
// info, warn, error, critical, off); the help text lists them after `what`.
CLI::Option* add_log_level_option(CLI::App& cmd, std::string& level, const std::string& what);

// Sets spdlog's level from a name add_log_level_option accepted.
void apply_log_level(const std::string& level);

}  // namespace gatehouse::cli
