// `gatehouse serve`: runs the strict local test gateway until interrupted.
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::cli {

// Adds the `serve` subcommand and its flags to `app`; the subcommand runs when parsed.
void add_serve_command(CLI::App& app);

}  // namespace gatehouse::cli
