// The URL rules the REST client and the gateway connection share: a secure or plain scheme, a
// host and port to connect to, and what follows the authority left as written.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::transport {

// Where a connection goes, whatever it speaks once there.
struct origin {
  bool secure = true;  // the TLS scheme of the pair: https or wss
  std::string host;    // as written, without brackets for an IPv6 literal
  std::string port;    // "443" or "80" unless given

  // "host:port" as the Host header wants it: the port left out when it is the scheme's default,
  // an IPv6 literal in brackets.
  std::string host_header() const;

  // True when a token may travel to it: over TLS, or plain only to a loopback host, since a
  // plain connection anywhere else would expose it.
  bool may_carry_token() const;
};

// A scheme pair such as {"https://", "http://"}; the first means TLS.
struct url_schemes {
  std::string_view secure;
  std::string_view plain;
};

struct split_url {
  transport::origin origin;
  std::string_view rest;  // path, query and fragment as written; empty or from '/', '?' or '#'
};

// Splits "<scheme>host[:port][rest]" for one of `schemes`. Empty for another scheme, a missing
// host, a port that is not 1 to 65535, user info, an unclosed IPv6 bracket, or whitespace or a
// control character anywhere (it would break the request line or a header).
std::optional<split_url> parse_url(std::string_view url, url_schemes schemes);

// True for "localhost", 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

// The URL without its query, for logs.
std::string_view without_query(std::string_view url);

}  // namespace gatehouse::transport
