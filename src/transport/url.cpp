// Splitting URLs into origins (RFC 3986 §3, for the few forms we accept).
#include "transport/url.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace gatehouse::transport {
namespace {

bool is_valid_port(std::string_view p) {
  std::uint16_t v = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  return ec == std::errc{} && end == p.data() + p.size() && v != 0;
}

bool has_space_or_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

}  // namespace

std::string origin::host_header() const {
  const bool default_port = port == (secure ? "443" : "80");
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string h = ipv6 ? "[" + host + "]" : host;

  return default_port ? h : h + ":" + port;
}

bool origin::may_carry_token() const {
  return secure || is_loopback_host(host);
}

std::optional<split_url> parse_url(std::string_view url, url_schemes schemes) {
  split_url out;

  // Scheme.
  if (url.starts_with(schemes.secure)) {
    url.remove_prefix(schemes.secure.size());
  } else if (url.starts_with(schemes.plain)) {
    url.remove_prefix(schemes.plain.size());
    out.origin.secure = false;
  } else {
    return std::nullopt;
  }
  if (has_space_or_control(url)) {
    return std::nullopt;
  }

  // Authority, up to the path, the query or the fragment.
  const auto end = url.find_first_of("/?#");
  const std::string_view authority = url.substr(0, end);
  out.rest = end == std::string_view::npos ? "" : url.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    return std::nullopt;
  }

  // An IPv6 literal keeps its colons inside brackets.
  std::string_view host = authority;
  std::string_view after_host;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    after_host = colon == std::string_view::npos ? "" : authority.substr(colon);
  }

  // Port: none, or ":" and a number a socket can use.
  if (host.empty() || (!after_host.empty() && !after_host.starts_with(':'))) {
    return std::nullopt;
  }
  const std::string_view port = after_host.empty() ? "" : after_host.substr(1);
  if (!after_host.empty() && !is_valid_port(port)) {
    return std::nullopt;
  }

  out.origin.host.assign(host);
  out.origin.port = port.empty() ? (out.origin.secure ? "443" : "80") : std::string(port);

  return out;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") {
    return true;
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);

  return !ec && address.is_loopback();
}

std::string_view without_query(std::string_view url) {
  return url.substr(0, url.find('?'));
}

}  // namespace gatehouse::transport
