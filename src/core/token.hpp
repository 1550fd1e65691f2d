// Bot token normalisation: the one place a configured
// token is cleaned up and checked before anything is
// sent with it (gateway-spec.md §10, cases G02 and G03).
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::core {

struct normalized_token {
  std::string value;            // the bare token, as Identify and Resume carry it
  bool had_bot_prefix = false;  // a leading "Bot " was removed; the caller may warn
};

// Trims surrounding ASCII whitespace (CR and LF included) and one
// pair of matching surrounding quotes, then strips one leading
// "Bot " (case-sensitive). Fails with error::invalid_token when
// nothing is left or the rest holds whitespace or control
// characters. No message or error ever contains the token.
normalized_token normalize_token(std::string_view raw, std::error_code& ec);

}  // namespace gatehouse::core
