// Bot token normalisation (gateway-spec.md §10).
#include "core/token.hpp"

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_ascii_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view strip_quotes(std::string_view s) {
  const bool quoted =
      s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front();
  return quoted ? s.substr(1, s.size() - 2) : s;
}

}  // namespace

normalized_token normalize_token(std::string_view raw, std::error_code& ec) {
  ec.clear();
  normalized_token out;

  // A token read from a file or an environment variable often carries a newline
  // or quotes (G03); whitespace inside the quotes is trimmed too.
  std::string_view s = trim(strip_quotes(trim(raw)));

  // The gateway wants the bare token; "Bot "
  // belongs only in the REST header (§10, G02).
  constexpr std::string_view prefix = "Bot ";
  if (s.starts_with(prefix)) {
    s.remove_prefix(prefix.size());
    out.had_bot_prefix = true;
  }

  if (s.empty()) {
    ec = error::invalid_token;
    return {};
  }
  for (char c : s) {
    if (is_ascii_space(c) || is_control(c)) {
      ec = error::invalid_token;
      return {};
    }
  }

  out.value.assign(s);
  return out;
}

}  // namespace gatehouse::core
