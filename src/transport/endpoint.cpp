// Parsing gateway URLs into endpoints.
#include "transport/endpoint.hpp"

#include <boost/asio/ip/address.hpp>

#include "transport/transport_error.hpp"

namespace gatehouse::transport {

std::string endpoint::host_header() const {
  const bool default_port = (secure && port == "443") || (!secure && port == "80");
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string h = ipv6 ? "[" + host + "]" : host;

  return default_port ? h : h + ":" + port;
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

endpoint parse_endpoint(std::string_view url, std::error_code& ec) {
  ec.clear();
  endpoint out;

  // Scheme.
  if (url.starts_with("wss://")) {
    out.secure = true;
    url.remove_prefix(6);
  } else if (url.starts_with("ws://")) {
    out.secure = false;
    url.remove_prefix(5);
  } else {
    ec = transport_error::invalid_url;
    return {};
  }

  // Authority, up to the path or the query.
  const auto end = url.find_first_of("/?");
  std::string_view authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? "" : url.substr(end);
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      ec = transport_error::invalid_url;
      return {};
    }
    host = authority.substr(1, close - 1);
    if (authority.size() > close + 1 && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || host.find_first_of(" @") != std::string_view::npos) {
    ec = transport_error::invalid_url;
    return {};
  }
  for (const char c : port) {
    if (c < '0' || c > '9') {
      ec = transport_error::invalid_url;
      return {};
    }
  }

  out.host = std::string(host);
  out.port = port.empty() ? (out.secure ? "443" : "80") : std::string(port);
  out.target = rest.starts_with('/') ? std::string(rest) : "/" + std::string(rest);

  // A plain connection would carry the token in clear text; only loopback test gateways get it.
  if (!out.secure && !is_loopback_host(out.host)) {
    ec = transport_error::insecure_url;
    return {};
  }

  return out;
}

}  // namespace gatehouse::transport
