// Parsing gateway URLs into endpoints.
#include "transport/endpoint.hpp"

#include "transport/transport_error.hpp"

namespace gatehouse::transport {

endpoint parse_endpoint(std::string_view url, std::error_code& ec) {
  ec.clear();
  const auto split = parse_url(url, {"wss://", "ws://"});
  if (!split) {
    ec = transport_error::invalid_url;
    return {};
  }

  // A fragment is the client's own business (RFC 3986 §3.5) and never goes into a request.
  const std::string_view rest = split->rest.substr(0, split->rest.find('#'));
  endpoint out{split->origin, rest.starts_with('/') ? std::string(rest) : "/" + std::string(rest)};
  if (!out.may_carry_token()) {
    ec = transport_error::insecure_url;
    return {};
  }

  return out;
}

}  // namespace gatehouse::transport
