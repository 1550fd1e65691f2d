// .env file parsing.
#include "cli/dotenv.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

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

// Where a fault is: the file's name and the line number.
struct position {
  std::string_view source;
  std::size_t line = 0;
};

[[noreturn]] void refuse(position at, std::string_view fault) {
  throw config_error(std::string(at.source) + " line " + std::to_string(at.line) + ": " +
                     std::string(fault));
}

[[noreturn]] void cannot_read(const std::filesystem::path& path, std::string_view reason) {
  throw config_error("cannot read " + path.string() + ": " + std::string(reason));
}

// The value after `=`: quoted, or bare up to an inline comment.
std::string parse_value(std::string_view raw, position at) {
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
    refuse(at, "unterminated quoted value");
  }

  // After the closing quote only a comment may follow.
  const auto rest = trim(raw.substr(i + 1));
  if (!rest.empty() && rest.front() != '#') {
    refuse(at, "text after the closing quote");
  }

  return value;
}

}  // namespace

dotenv_values parse_dotenv(std::string_view text, std::string_view source) {
  dotenv_values values;
  position at{source};

  // Editors on Windows start UTF-8 files with a byte order mark; it is not part of the key.
  constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";
  if (text.starts_with(byte_order_mark)) {
    text.remove_prefix(byte_order_mark.size());
  }

  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++at.line;

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
      refuse(at, "expected KEY=VALUE");
    }
    const auto key = trim(line.substr(0, eq));
    if (!is_key(key)) {
      refuse(at, "invalid key");
    }
    values.insert_or_assign(std::string(key), parse_value(line.substr(eq + 1), at));
  }

  return values;
}

std::optional<dotenv_values> read_dotenv(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    return std::nullopt;
  }
  if (ec) {
    cannot_read(path, ec.message());
  }

  // A device or a pipe (/dev/zero, /dev/stdin) may never end, and a directory reads as nothing.
  if (status.type() == std::filesystem::file_type::directory) {
    cannot_read(path, std::make_error_code(std::errc::is_a_directory).message());
  }
  if (status.type() != std::filesystem::file_type::regular) {
    cannot_read(path, "not a regular file");
  }

  // One byte past the limit tells a file that is too large, even one still growing.
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    cannot_read(path, std::strerror(errno));
  }
  std::string text(max_dotenv_size + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    cannot_read(path, "read failed");
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_dotenv_size) {
    cannot_read(path, "larger than " + std::to_string(max_dotenv_size / 1024) + " KiB");
  }

  return parse_dotenv(text, path.string());
}

}  // namespace gatehouse::cli
