// The --log-level option every subcommand takes: one list of names, checked when parsed, so a
// misspelt level is a usage error instead of a silent fallback.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace gatehouse::cli {

// Adds --log-level to `cmd`, bound to `level`, accepting only spdlog's level names (trace, debug,
// info, warn, error, critical, off); the help text lists them after `what`.
CLI::Option* add_log_level_option(CLI::App& cmd, std::string& level, const std::string& what);

// Makes the default logger write to stderr under `name`, with UTC timestamps (as the lines on
// stdout have), at `level`, a name add_log_level_option accepted.
void start_stderr_log(const std::string& name, const std::string& level);

}  // namespace gatehouse::cli
