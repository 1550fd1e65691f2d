// Base URL parsing for the REST client.
#include "rest/base_url.hpp"

#include "rest/rest_error.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace gatehouse::rest {
namespace {

bool is_valid_port(std::string_view p) {
  std::uint16_t v = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  return ec == std::errc{} && end == p.data() + p.size() && v != 0;
}

bool has_forbidden_char(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '@' || c == '?' || c == '#';
  });
}

}  // namespace

base_url parse_base_url(std::string_view url, std::error_code& ec) {
  ec.clear();
  base_url out;

  if (url.starts_with("https://")) {
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
    out.is_tls = false;
  } else {
    ec = rest_error::invalid_url;
    return {};
  }
  if (has_forbidden_char(url)) {
    ec = rest_error::invalid_url;
    return {};
  }

  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : url.substr(slash);

  // An IPv6 literal keeps its colons inside brackets.
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      ec = rest_error::invalid_url;
      return {};
    }
    out.host.assign(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) {
      ec = rest_error::invalid_url;
      return {};
    }
    port = rest.empty() ? "" : rest.substr(1);
  } else {
    const auto colon = authority.find(':');
    out.host.assign(authority.substr(0, colon));
    port = colon == std::string_view::npos ? "" : authority.substr(colon + 1);
  }

  if (out.host.empty() || (!port.empty() && !is_valid_port(port)) ||
      (port.empty() && authority.ends_with(':'))) {
    ec = rest_error::invalid_url;
    return {};
  }
  out.port = port.empty() ? (out.is_tls ? "443" : "80") : std::string(port);

  while (path.ends_with('/')) {
    path.remove_suffix(1);
  }
  out.prefix.assign(path);
  return out;
}

}  // namespace gatehouse::rest
