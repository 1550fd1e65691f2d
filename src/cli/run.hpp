// `gatehouse run`: the bot. Connects every shard to the gateway GET /gateway/bot names and
// prints one line per event and per lifecycle step until SIGINT or SIGTERM.
#pragma once

#include <CLI/CLI.hpp>

#include "gatehouse/client_shard.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::cli {

// Adds the `run` subcommand and its flags to `app`; the subcommand runs when parsed and ends
// the process with one of the exit codes of output.hpp.
void add_run_command(CLI::App& app);

// "none", "zlib-stream" or "zstd-stream" (the --compress flag); throws config_error otherwise.
compression parse_compression(std::string_view text);

// True when `value` has the shape of a bot token: three dot-separated base64url segments, the
// first at least 16 characters long (gateway-spec.md §10). Used to refuse tokens in argv.
bool looks_like_token(std::string_view value);

// The first argument in `values` that is a token or a token flag, refused with the message
// that says where a token goes; empty when there is none.
std::string refuse_token_arguments(const std::vector<std::string>& values);

}  // namespace gatehouse::cli
