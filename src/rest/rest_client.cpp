// The REST client: rate-limited, retrying, authenticated requests (§9).
#include "rest/rest_client.hpp"

#include "rest/base_url.hpp"
#include "rest/rate_limit_info.hpp"
#include "rest/rest_error.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>

#include "transport/tls.hpp"
#include "transport/transport_error.hpp"
#include "transport/user_agent.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace gatehouse::rest {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// A bare token is one word: "Bot " or a newline inside it would break the header (G02, G03).
bool is_bare_token(std::string_view s) {
  return !s.empty() && !has_control(s) && s.find(' ') == std::string_view::npos;
}

bool is_idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::put ||
         v == http::verb::delete_;
}

core::time_point now() {
  return std::chrono::steady_clock::now();
}

long long to_ms(core::duration d) {
  return duration_cast<milliseconds>(d).count();
}

std::error_code error_for_status(unsigned status) {
  switch (status) {
    case 401:
      return rest_error::unauthorized;
    case 403:
      return rest_error::forbidden;
    case 404:
      return rest_error::not_found;
    case 429:
      return rest_error::rate_limited;
    default:
      return status >= 500 ? rest_error::server_error : rest_error::bad_request;
  }
}

}  // namespace

rest_client::rest_client(asio::any_io_executor ex, rest_options options)
    : ex_(std::move(ex)), options_(std::move(options)), limiter_(options_.limits), queue_(ex_) {
  if (options_.user_agent.empty()) {
    options_.user_agent = transport::default_user_agent;
  }

  // Every check happens here so that no request can carry a broken header (G03).
  base_url origin = parse_base_url(options_.base_url, config_error_);
  if (config_error_) {
    return;
  }
  // Plain http is for the local test gateway.
  if (!origin.may_carry_token()) {
    config_error_ = rest_error::insecure_url;
    return;
  }
  if (!is_bare_token(options_.token)) {
    config_error_ = rest_error::invalid_token;
    return;
  }
  if (has_control(options_.user_agent)) {
    config_error_ = rest_error::invalid_header;
    return;
  }
  if (origin.secure) {
    tls_ = transport::make_tls_context(options_.ca_file, config_error_);
    if (config_error_) {
      return;
    }
  }

  authorization_ = "Bot " + options_.token;  // §9.1
  host_header_ = origin.host_header();
  http_.emplace(ex_, std::move(origin), tls_, options_.max_idle_connections);
}

http_request rest_client::make_request(http::verb method, const std::string& path,
                                       std::string body) const {
  http_request req{method, http_->origin().prefix + path, 11};
  req.set(http::field::host, host_header_);
  req.set(http::field::user_agent, options_.user_agent);
  req.set(http::field::authorization, authorization_);
  req.set(http::field::content_type, "application/json");  // §9.1
  req.keep_alive(true);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

asio::awaitable<void> rest_client::sleep_for(core::duration d) {
  asio::steady_timer timer(ex_, d);
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<bool> rest_client::wait_for_permit(const route& r, std::error_code& ec) {
  for (;;) {
    const permit p = limiter_.try_acquire(r, now());
    if (p.verdict == verdict::go) {
      co_return true;
    }
    if (p.verdict == verdict::stopped) {
      ec = rest_error::unauthorized;
      co_return false;
    }

    spdlog::debug("rest waiting route={} wait_ms={}", r.key, to_ms(p.not_before - now()));
    asio::steady_timer timer(ex_, p.not_before);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

void rest_client::learn(const route& r, const http_response& res) {
  // Only the rate-limit fields are copied; Authorization is never among response headers.
  std::vector<header_field> fields;
  for (const auto& f : res) {
    fields.push_back({f.name_string(), f.value()});
  }
  const double unix_now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  rate_limit_info info = parse_rate_limit_headers(fields, unix_now);
  if (res.result_int() == 429) {
    apply_429_body(info, res.body());
  }
  limiter_.on_response(r, res.result_int(), info, now());
}

asio::awaitable<rest_response> rest_client::request(http::verb method, std::string path,
                                                    std::string body, std::error_code& ec) {
  ec.clear();
  if (config_error_) {
    ec = config_error_;
    co_return rest_response{};
  }
  if (!path.starts_with('/') || has_control(path) || path.find(' ') != std::string::npos) {
    ec = rest_error::invalid_header;
    co_return rest_response{};
  }

  // The route key, not the path, goes into logs: webhook paths carry a secret token.
  const route r = make_route(http::to_string(method), path);

  // One line per route and top-level resource: two channels never wait for each other.
  const route_queue::turn turn = co_await queue_.enter(r.key + ' ' + r.major);
  const http_request req = make_request(method, path, std::move(body));

  int server_retries = 0;
  int limit_retries = 0;
  core::duration backoff = options_.retry_backoff;
  for (;;) {
    // Wait for the bucket, the global limit and the invalid-request budget.
    if (!co_await wait_for_permit(r, ec)) {
      co_return rest_response{};
    }

    // Exchange one request and response.
    spdlog::debug("rest request route={} attempt={}", r.key, 1 + server_retries + limit_retries);
    std::error_code net_ec;
    http_response res = co_await http_->send(req, options_.request_timeout, net_ec);
    if (net_ec) {
      // A certificate the store cannot verify will not verify on retry (G25).
      if (transport::is_tls_error(net_ec)) {
        ec = net_ec;
        co_return rest_response{};
      }

      // A non-idempotent request may have been carried out before the failure.
      if (is_idempotent(method) && server_retries++ < options_.max_server_retries) {
        spdlog::info("rest exchange failed route={} error=\"{}\" retry_in_ms={}", r.key,
                     net_ec.message(), to_ms(backoff));
        co_await sleep_for(backoff);
        backoff *= 2;
        continue;
      }
      spdlog::warn("rest exchange failed route={} error=\"{}\"", r.key, net_ec.message());
      ec = rest_error::connection_failed;
      co_return rest_response{};
    }

    // Learn the limits, then decide on the status.
    learn(r, res);
    const unsigned status = res.result_int();
    spdlog::debug("rest response route={} status={} bucket={}", r.key, status,
                  limiter_.bucket_of(r));
    if (status < 300) {
      co_return rest_response{status, std::move(res.body())};
    }

    // 429: the limiter now holds the bucket (or everything) until retry_after (§9.4).
    if (status == 429 && limit_retries++ < options_.max_rate_limit_retries) {
      spdlog::info("rest rate limited route={} retry={}", r.key, limit_retries);
      continue;
    }

    // 502 and other 5xx: retry with exponential backoff (§9.6).
    if (status >= 500 && server_retries++ < options_.max_server_retries) {
      spdlog::info("rest server error route={} status={} retry_in_ms={}", r.key, status,
                   to_ms(backoff));
      co_await sleep_for(backoff);
      backoff *= 2;
      continue;
    }

    // 401: the token is bad; the limiter refuses everything from now on (§9.6).
    if (status == 401) {
      spdlog::error("rest token rejected route={} status=401 action=\"check the bot token\"",
                    r.key);
    } else {
      spdlog::warn("rest request failed route={} status={}", r.key, status);
    }
    ec = error_for_status(status);
    co_return rest_response{status, std::move(res.body())};
  }
}

asio::awaitable<gateway_info> rest_client::get_gateway(std::error_code& ec) {
  const rest_response res = co_await request(http::verb::get, "/gateway", {}, ec);
  co_return ec ? gateway_info{} : parse_gateway_info(res.body, ec);
}

asio::awaitable<gateway_bot_info> rest_client::get_gateway_bot(std::error_code& ec) {
  const rest_response res = co_await request(http::verb::get, "/gateway/bot", {}, ec);
  co_return ec ? gateway_bot_info{} : parse_gateway_bot_info(res.body, ec);
}

asio::awaitable<current_user> rest_client::get_current_user(std::error_code& ec) {
  const rest_response res = co_await request(http::verb::get, "/users/@me", {}, ec);
  co_return ec ? current_user{} : parse_current_user(res.body, ec);
}

asio::awaitable<created_message> rest_client::create_message(std::string channel_id,
                                                             std::string json_body,
                                                             std::error_code& ec) {
  const std::string path = "/channels/" + channel_id + "/messages";
  const rest_response res = co_await request(http::verb::post, path, std::move(json_body), ec);
  co_return ec ? created_message{} : parse_created_message(res.body, ec);
}

}  // namespace gatehouse::rest
