// The gatehouse.rest error category: messages, and which condition each error belongs to.
#include "rest/rest_error.hpp"

#include <string>

namespace gatehouse::rest {
namespace {

class rest_category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "gatehouse.rest"; }

  std::string message(int ev) const override {
    switch (static_cast<rest_error>(ev)) {
      case rest_error::invalid_token:
        return "invalid token format";
      case rest_error::invalid_header:
        return "header value holds a control character";
      case rest_error::invalid_url:
        return "base url is not http or https with a host";
      case rest_error::insecure_url:
        return "plain http is allowed only to a loopback host";
      case rest_error::unauthorized:
        return "token rejected with 401: all requests stopped";
      case rest_error::forbidden:
        return "forbidden: the bot lacks a permission";
      case rest_error::not_found:
        return "not found";
      case rest_error::bad_request:
        return "request refused by the server";
      case rest_error::rate_limited:
        return "still rate limited after retrying";
      case rest_error::server_error:
        return "server error persisted after retrying";
      case rest_error::bad_response:
        return "response body is not the expected json";
      case rest_error::connection_failed:
        return "could not exchange with the server";
    }
    return "unknown rest error";
  }

  std::error_condition default_error_condition(int ev) const noexcept override {
    switch (static_cast<rest_error>(ev)) {
      case rest_error::rate_limited:
      case rest_error::server_error:
      case rest_error::connection_failed:
        return make_error_condition(rest_condition::retryable);
      default:
        return make_error_condition(rest_condition::fatal);
    }
  }
};

class rest_condition_category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "gatehouse.rest-condition"; }

  std::string message(int ev) const override {
    switch (static_cast<rest_condition>(ev)) {
      case rest_condition::retryable:
        return "retryable";
      case rest_condition::fatal:
        return "fatal";
    }
    return "unknown condition";
  }
};

}  // namespace

const std::error_category& rest_category() {
  static const rest_category_impl instance;
  return instance;
}

const std::error_category& rest_condition_category() {
  static const rest_condition_category_impl instance;
  return instance;
}

std::error_code make_error_code(rest_error e) {
  return {static_cast<int>(e), rest_category()};
}

std::error_condition make_error_condition(rest_condition c) {
  return {static_cast<int>(c), rest_condition_category()};
}

}  // namespace gatehouse::rest
