// `gatehouse demo`: the bot against an embedded test gateway over loopback, through a scripted
// scene of reconnects and failures, ending with a summary whose last line is key=value fields.
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::cli {

// Adds the `demo` subcommand; it exits non-zero when a dispatch was lost or duplicated, the
// gateway saw a protocol violation, or the scene did not finish in time.
void add_demo_command(CLI::App& app);

}  // namespace gatehouse::cli
