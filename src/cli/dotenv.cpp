// .env file parsing.
#include "cli/dotenv.hpp"

#include <fstream>
#include <sstream>

namespace gatehouse::cli {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_blank(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_key(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) {
    return false;
  }
  for (const char c : key) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return true;
}

[[noreturn]] void refuse(std::size_t line, std::string_view fault) {
  throw config_error(".env line " + std::to_string(line) + ": " + std::string(fault));
}

// The value after `=`: quoted, or bare up to an inline comment.
std::string parse_value(std::string_view raw, std::size_t line) {
  raw = trim(raw);
  if (raw.empty()) {
    return {};
  }

  const char quote = raw.front();
  if (quote != '"' && quote != '\'') {
    // A `#` starts a comment only after whitespace, so `a#b` stays a value.
    for (std::size_t i = 1; i < raw.size(); ++i) {
      if (raw[i] == '#' && is_blank(raw[i - 1])) {
        return std::string(trim(raw.substr(0, i)));
      }
    }
    return std::string(raw);
  }

  std::string value;
  std::size_t i = 1;
  for (; i < raw.size() && raw[i] != quote; ++i) {
    if (quote == '"' && raw[i] == '\\' && i + 1 < raw.size()) {
      const char next = raw[++i];
      value += next == 'n' ? '\n' : next == 't' ? '\t' : next == 'r' ? '\r' : next;
      continue;
    }
    value += raw[i];
  }
  if (i == raw.size()) {
    refuse(line, "unterminated quoted value");
  }

  // After the closing quote only a comment may follow.
  const auto rest = trim(raw.substr(i + 1));
  if (!rest.empty() && rest.front() != '#') {
    refuse(line, "text after the closing quote");
  }

  return value;
}

}  // namespace

dotenv_values parse_dotenv(std::string_view text) {
  dotenv_values values;
  std::size_t number = 0;

  // Editors on Windows start UTF-8 files with a byte order mark; it is not part of the key.
  constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";
  if (text.starts_with(byte_order_mark)) {
    text.remove_prefix(byte_order_mark.size());
  }

  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;

    // CRLF files leave a carriage return at the end of each line.
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    line = trim(line);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (line.starts_with("export") && line.size() > 6 && is_blank(line[6])) {
      line = trim(line.substr(6));
    }

    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      refuse(number, "expected KEY=VALUE");
    }
    const auto key = trim(line.substr(0, eq));
    if (!is_key(key)) {
      refuse(number, "invalid key");
    }
    values.insert_or_assign(std::string(key), parse_value(line.substr(eq + 1), number));
  }

  return values;
}

std::optional<dotenv_values> read_dotenv(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return std::nullopt;
  }

  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    throw config_error("cannot read " + path.string());
  }

  return parse_dotenv(text.str());
}

}  // namespace gatehouse::cli
