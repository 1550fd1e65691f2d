// The Discord REST client: authenticated requests to the API base URL that honour the
// rate-limit buckets and the global limit, retry 429 and 5xx answers a bounded number of times,
// and stop for good once the token is rejected (§9).
//
// Runs on the caller's executor with C++20 coroutines and no threads of its own. Calls report
// failures through `ec` (rest_error values) and never throw for them. Not thread-safe: call from
// the one thread (or strand) that runs the executor. The client must outlive its calls.
#pragma once

#include "core/time.hpp"
#include "rest/http_client.hpp"
#include "rest/rate_limiter.hpp"
#include "rest/resources.hpp"
#include "rest/route.hpp"
#include "rest/route_queue.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace gatehouse::rest {

struct rest_options {
  std::string base_url = "https://discord.com/api/v10";  // §9.1; http:// only to loopback
  std::string token;       // the bare, normalised bot token; "Bot " is added here (§9.1)
  std::string user_agent;  // empty: "DiscordBot (<project url>, <version>)" (§9.1)
  std::string ca_file;     // empty: the system trust store

  int max_server_retries = 3;      // retries of a 5xx or a failed idempotent exchange
  int max_rate_limit_retries = 5;  // retries of a 429
  core::duration retry_backoff = core::milliseconds(500);  // first 5xx wait, then doubled
  core::duration request_timeout = core::seconds(15);      // per connect, write and read
  std::size_t max_idle_connections = 4;
  limiter_options limits;
};

// A response with a status below 300, or the last answer of a failed call.
struct rest_response {
  unsigned status = 0;
  std::string body;
};

class rest_client {
 public:
  // Checks the options; a bad base URL, token, user agent or CA file is kept and fails every
  // call (see configuration_error(); an unreadable CA file is
  // transport_error::ca_file_unreadable). Nothing is sent before the first call.
  rest_client(boost::asio::any_io_executor ex, rest_options options);

  // Why every call fails at once, or no error when the options are usable.
  std::error_code configuration_error() const { return config_error_; }

  // Sends `method` to the base URL plus `path` ("/gateway/bot") with `body` as JSON, waiting for
  // the rate limits first. Completes with the response when its status is below 300; otherwise
  // sets `ec` (unauthorized, forbidden, not_found, bad_request, rate_limited, server_error,
  // connection_failed, or the transport_error naming why TLS verification failed, which is
  // not retried) and completes with the last answer, if any.
  boost::asio::awaitable<rest_response> request(boost::beast::http::verb method, std::string path,
                                                std::string body, std::error_code& ec);

  // GET /gateway: no authorization needed (§1.2).
  boost::asio::awaitable<gateway_info> get_gateway(std::error_code& ec);

  // GET /gateway/bot: the URL, recommended shards and session start limit (§1.3).
  boost::asio::awaitable<gateway_bot_info> get_gateway_bot(std::error_code& ec);

  // GET /users/@me (§9.2).
  boost::asio::awaitable<current_user> get_current_user(std::error_code& ec);

  // POST /channels/{channel_id}/messages with `json_body` as given (§9.2).
  boost::asio::awaitable<created_message> create_message(std::string channel_id,
                                                         std::string json_body,
                                                         std::error_code& ec);

  const rate_limiter& limiter() const { return limiter_; }

  // TCP connections opened so far; keep-alive keeps it low.
  std::size_t connects() const { return http_ ? http_->connects() : 0; }

 private:
  boost::asio::awaitable<bool> wait_for_permit(const route& r, std::error_code& ec);
  boost::asio::awaitable<void> sleep_for(core::duration d);
  http_request make_request(boost::beast::http::verb method, const std::string& path,
                            std::string body) const;
  void learn(const route& r, const http_response& res);

  boost::asio::any_io_executor ex_;
  rest_options options_;
  std::error_code config_error_;
  std::string authorization_;  // "Bot <token>"; never logged
  std::string host_header_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // https only
  std::optional<http_client> http_;                 // absent when the options are unusable
  rate_limiter limiter_;
  route_queue queue_;
};

}  // namespace gatehouse::rest
