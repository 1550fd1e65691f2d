// The REST base URL split into what a connection needs: scheme, host, port and path prefix.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::rest {

struct base_url {
  bool is_tls = true;  // https
  std::string host;    // as written, without brackets
  std::string port;    // "443" or "80" unless given
  std::string prefix;  // "/api/v10", never with a trailing slash
};

// Parses "https://discord.com/api/v10" or "http://127.0.0.1:PORT/api/v10". Fails with
// rest_error::invalid_url for another scheme, a missing host, a bad port, user info, a query or
// a fragment.
base_url parse_base_url(std::string_view url, std::error_code& ec);

}  // namespace gatehouse::rest
