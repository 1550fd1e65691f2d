// The REST base URL split into what a connection needs: scheme, host, port and path prefix.
#pragma once

#include "transport/url.hpp"

#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::rest {

// secure means https://.
struct base_url : transport::origin {
  std::string prefix;  // "/api/v10", never with a trailing slash
};

// Parses "https://discord.com/api/v10" or "http://127.0.0.1:PORT/api/v10". Fails with
// rest_error::invalid_url for another scheme, where transport::parse_url fails, or for a query,
// a fragment or '@' in the path. Plain http to a remote host parses; the client refuses it.
base_url parse_base_url(std::string_view url, std::error_code& ec);

}  // namespace gatehouse::rest
