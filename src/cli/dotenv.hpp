// Reads .env files: KEY=VALUE lines with an optional `export` prefix, single- or double-quoted
// values, `#` comments and LF or CRLF line ends.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gatehouse::cli {

// A configuration fault, refused before any connection. Its message names the fault and where
// (a file, a line number, a variable), never a value: a value may be a token.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using dotenv_values = std::map<std::string, std::string, std::less<>>;

// A .env file holds a few short lines; anything larger is not one, and reading stops there.
inline constexpr std::size_t max_dotenv_size = 64 * 1024;

// Parses the text of a .env file. Double-quoted values understand \n, \t, \" and \\; single-
// quoted values are taken literally; unquoted values end at a ` #` comment and are trimmed. A
// later line replaces an earlier one with the same key. Throws config_error naming `source` (the
// file) and the line.
dotenv_values parse_dotenv(std::string_view text, std::string_view source = ".env");

// Reads and parses the file at `path`; nothing when it does not exist. Throws config_error naming
// the path when it exists but is not a regular file, is larger than max_dotenv_size, or cannot be
// read or parsed.
std::optional<dotenv_values> read_dotenv(const std::filesystem::path& path);

}  // namespace gatehouse::cli
