// Token and intents configuration.
#include "cli/config.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "core/error.hpp"
#include "core/intents.hpp"
#include "core/token.hpp"
#include "rest/base_url.hpp"

namespace gatehouse::cli {

env_lookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

token_config load_token(const env_lookup& env, const std::filesystem::path& dotenv_path) {
  // The environment wins over the file, as with every .env loader.
  std::optional<std::string> raw = env(token_variable);
  std::string source(token_variable);
  if (!raw) {
    if (const auto file = read_dotenv(dotenv_path)) {
      if (const auto it = file->find(token_variable); it != file->end()) {
        raw = it->second;
        source = dotenv_path.string();
      }
    }
  }
  if (!raw) {
    throw config_error("no token: set DISCORD_TOKEN in the environment or in " +
                       dotenv_path.string());
  }

  // Normalised once, here (G02, G03); nothing downstream trims or strips again.
  std::error_code ec;
  auto normalized = core::normalize_token(*raw, ec);
  if (ec) {
    throw config_error("invalid token format in " + source +
                       ": empty, or whitespace or control characters inside it");
  }
  if (normalized.had_bot_prefix) {
    spdlog::warn("token had a \"Bot \" prefix; removed it source={}", source);
  }

  return {std::move(normalized.value), std::move(source)};
}

std::string load_api_base(std::string_view url) {
  std::error_code ec;
  const auto parsed = rest::parse_base_url(url, ec);
  if (ec) {
    throw config_error("--api-base takes https://discord.com/api/v10 or " +
                       std::string("http://127.0.0.1:PORT/api/v10 (a test gateway)"));
  }
  if (parsed.prefix != "/api/v10") {
    throw config_error("--api-base must end in /api/v10, the API version gatehouse speaks");
  }
  return std::string(url);
}

std::uint32_t load_intents(std::string_view text) {
  std::error_code ec;
  std::string unknown;
  const auto mask = core::parse_intents(text, ec, &unknown);
  if (ec == error::unknown_intent) {
    const auto what =
        unknown.empty() ? std::string("no intent given") : "unknown intent \"" + unknown + "\"";
    throw config_error(what + "; valid names: " + core::valid_intent_names());
  }
  if (ec) {
    throw config_error("intents " + std::string(text) +
                       " hold bits no intent defines (the gateway would close with 4013)");
  }

  return mask;
}

std::string privileged_notice(std::uint32_t mask) {
  const auto privileged = mask & core::privileged_intents;
  if (privileged == 0) {
    return {};
  }

  return "privileged intents requested: " + core::intent_names(privileged) +
         "; enable them on the Bot page of the Developer Portal, or the gateway closes with 4014";
}

}  // namespace gatehouse::cli
