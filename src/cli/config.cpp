// Token and intents configuration.
#include "cli/config.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <system_error>

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
  // The environment wins over the file, as with every .env loader. An empty variable counts as
  // unset: `DISCORD_TOKEN= gatehouse run` or an empty CI secret should not hide the file.
  std::optional<std::string> raw = env(token_variable);
  if (raw && raw->empty()) {
    raw.reset();
  }
  std::string source(token_variable);

  // The file is read only when needed, so a missing .env is fine when the environment has it.
  if (!raw) {
    const auto file = read_dotenv(dotenv_path);
    if (!file) {
      throw config_error("no token: DISCORD_TOKEN is not set, and cannot read " +
                         dotenv_path.string() + ": " +
                         std::make_error_code(std::errc::no_such_file_or_directory).message());
    }
    if (const auto it = file->find(token_variable); it != file->end()) {
      raw = it->second;
      source = dotenv_path.string();
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
  if (ec == std::errc::result_out_of_range) {
    throw config_error("intents " + std::string(text) +
                       " out of range: a number takes 0 to 4294967295, with only the bits of " +
                       "defined intents set");
  }
  if (ec == error::unknown_intent) {
    const bool is_blank = text.find_first_not_of(" \t,|") == std::string_view::npos;
    const auto what = !unknown.empty() ? "unknown intent \"" + unknown + "\""
                      : is_blank       ? std::string("no intent given")
                                       : "empty intent name in \"" + std::string(text) + "\"";
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
