// Where a gateway connection goes: a ws:// or wss:// URL taken apart into scheme, host, port
// and request target.
#pragma once

#include "transport/url.hpp"

#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::transport {

// secure means wss://.
struct endpoint : origin {
  std::string target;  // path and query, at least "/"
};

// Parses "wss://gateway.discord.gg/?v=10&encoding=json". Fails with transport_error::invalid_url
// where parse_url does, and with transport_error::insecure_url for ws:// to a host that is not
// loopback, since a plain connection would expose the token.
endpoint parse_endpoint(std::string_view url, std::error_code& ec);

}  // namespace gatehouse::transport
