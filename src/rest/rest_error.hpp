// Errors of the REST client, as std::error_code values of the "gatehouse.rest" category, with
// the conditions that say whether a caller may try again later.
#pragma once

#include <system_error>
#include <type_traits>

namespace gatehouse::rest {

enum class rest_error {
  // Refused locally, never sent.
  invalid_token = 1,  // empty, or holds whitespace or control characters (§10)
  invalid_header,     // a header value would carry CR, LF or another control character
  invalid_url,        // the base URL is not http:// or https:// with a host
  insecure_url,       // http:// to a host that is not loopback: the token would go in clear

  // Answers from the server.
  unauthorized,  // 401: the token was rejected; every later request is refused (§9.6)
  forbidden,     // 403: the token lacks a permission
  not_found,     // 404
  bad_request,   // another 4xx: the request itself is wrong
  rate_limited,  // 429 kept coming back until the retry bound
  server_error,  // 5xx kept coming back until the retry bound
  bad_response,  // the body is not the JSON shape the call expects

  // The connection.
  connection_failed,  // resolve, connect or the exchange itself failed until the bound
};

enum class rest_condition {
  retryable = 1,  // may succeed later without any change
  fatal,          // a person must act (token, permission, configuration)
};

const std::error_category& rest_category();
const std::error_category& rest_condition_category();

std::error_code make_error_code(rest_error e);
std::error_condition make_error_condition(rest_condition c);

}  // namespace gatehouse::rest

template <>
struct std::is_error_code_enum<gatehouse::rest::rest_error> : std::true_type {};
template <>
struct std::is_error_condition_enum<gatehouse::rest::rest_condition> : std::true_type {};
