// Base URL parsing for the REST client.
#include "rest/base_url.hpp"

#include "rest/rest_error.hpp"

namespace gatehouse::rest {

base_url parse_base_url(std::string_view url, std::error_code& ec) {
  ec.clear();
  const auto split = transport::parse_url(url, {"https://", "http://"});

  // A base is only a path prefix: a query or fragment would land inside every request's path.
  if (!split || split->rest.find_first_of("?#@") != std::string_view::npos) {
    ec = rest_error::invalid_url;
    return {};
  }

  std::string_view path = split->rest;
  while (path.ends_with('/')) {
    path.remove_suffix(1);
  }

  return {split->origin, std::string(path)};
}

}  // namespace gatehouse::rest
