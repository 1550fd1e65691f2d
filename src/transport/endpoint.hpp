// Where a gateway connection goes: a ws:// or wss:// URL taken apart into scheme, host, port
// and request target.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::transport {

struct endpoint {
  bool secure = true;  // wss://
  std::string host;    // without brackets for IPv6
  std::string port;    // "443" when not given
  std::string target;  // path and query, at least "/"

  // "host:port" as the Host header wants it (port left out when it is the scheme's default).
  std::string host_header() const;
};

// Parses "wss://gateway.discord.gg/?v=10&encoding=json". ws:// is accepted only for loopback
// hosts (transport_error::insecure_url), since a plain connection would expose the token.
endpoint parse_endpoint(std::string_view url, std::error_code& ec);

// True for "localhost", 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

// The URL without its query, for logs.
std::string_view without_query(std::string_view url);

}  // namespace gatehouse::transport
