// Configuration for the client: the bot token (from DISCORD_TOKEN or a .env file, normalised
// once) and the intents (by name or number). Refuses bad values before any connection.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cli/dotenv.hpp"

namespace gatehouse::cli {

// Looks up an environment variable; tests hand in a fake environment.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment.
env_lookup process_environment();

// The variable, in the environment or a .env file, that holds the token.
inline constexpr std::string_view token_variable = "DISCORD_TOKEN";

struct token_config {
  std::string token;   // bare and normalised; never logged, never formatted into a message
  std::string source;  // where it came from: "DISCORD_TOKEN" or the .env file's path
};

// The token from DISCORD_TOKEN in the environment (empty counts as unset), or else from
// DISCORD_TOKEN in the .env file at `dotenv_path`, which is read only then. Surrounding whitespace
// and quotes are trimmed and one leading "Bot " is removed, with a warning. Throws config_error
// when there is no token, or it holds inner whitespace or control characters, or the file cannot be
// read; the message says where the token came from, never what it is.
token_config load_token(const env_lookup& env, const std::filesystem::path& dotenv_path);

// Intents from "GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT" (names case-insensitive) or a number.
// Throws config_error for an unknown name, listing the valid names with the privileged ones
// marked, or for bits no intent defines.
std::uint32_t load_intents(std::string_view text);

// The REST base URL, checked before any request: http(s), a host, and the path /api/v10, the
// API version gatehouse speaks. Throws config_error otherwise.
std::string load_api_base(std::string_view url);

// A notice naming the privileged intents in `mask` and where to enable them; empty when none.
std::string privileged_notice(std::uint32_t mask);

}  // namespace gatehouse::cli
