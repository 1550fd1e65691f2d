// `gatehouse bench`: the benchmark's measuring programs (client, sink, idle, reconnect), each
// run against a test gateway and ending with one JSON line on stdout.
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::cli {

// Adds the `bench` subcommand and its roles to `app`; a role runs when parsed.
void add_bench_command(CLI::App& app);

}  // namespace gatehouse::cli
