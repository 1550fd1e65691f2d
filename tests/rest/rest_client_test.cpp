#include "rest/rest_client.hpp"

#include "rest/rest_error.hpp"
#include "test_http_server.hpp"
#include "transport/user_agent.hpp"

#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <optional>
#include <string>

namespace gatehouse::rest {
namespace {

namespace asio = boost::asio;
using testing::canned_response;
using testing::recorded_request;
using testing::test_http_server;

constexpr const char* token = "test-token-not-real.abc.def";

constexpr const char* gateway_bot_body =
    R"({"url":"wss://gateway.example.test/","shards":9,"session_start_limit":)"
    R"({"total":1000,"remaining":999,"reset_after":14400000,"max_concurrency":1}})";

canned_response ok(std::string body = gateway_bot_body) {
  return {200, {}, std::move(body)};
}

// A loopback server that answers with `answer`, and a client of it with short test bounds,
// adjusted by `adjust`.
class harness {
 public:
  explicit harness(test_http_server::handler answer,
                   const std::function<void(rest_options&)>& adjust = {})
      : server(ioc, std::move(answer)) {
    rest_options o;
    o.base_url = server.base_url();
    o.token = token;
    o.retry_backoff = core::milliseconds(5);
    o.request_timeout = core::seconds(2);
    if (adjust) {
      adjust(o);
    }
    client.emplace(ioc.get_executor(), o);
  }

  // Runs `calls` to completion; false when they did not complete within the bound.
  bool run(const std::function<asio::awaitable<void>(rest_client&)>& calls) {
    return testing::run_until_done(ioc, [&] { return calls(*client); });
  }

  const std::vector<recorded_request>& requests() const { return server.requests(); }

  asio::io_context ioc;
  test_http_server server;
  std::optional<rest_client> client;
};

// Answers the first request with `first` and every later one with `then`.
test_http_server::handler first_then(canned_response first, canned_response then) {
  return [first, then, calls = 0](const recorded_request&) mutable {
    return calls++ == 0 ? first : then;
  };
}

TEST(rest_client_test, get_gateway_bot_parses_the_answer) {
  harness h([](const recorded_request&) { return ok(); });
  std::error_code ec;
  gateway_bot_info info;
  ASSERT_TRUE(h.run(
      [&](rest_client& c) -> asio::awaitable<void> { info = co_await c.get_gateway_bot(ec); }));

  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(info.url, "wss://gateway.example.test/");
  EXPECT_EQ(info.shards, 9u);
  EXPECT_EQ(info.session_start_limit.total, 1000u);
  EXPECT_EQ(info.session_start_limit.remaining, 999u);
  EXPECT_EQ(info.session_start_limit.reset_after_ms, 14'400'000);
  EXPECT_EQ(info.session_start_limit.max_concurrency, 1u);
  ASSERT_EQ(h.requests().size(), 1u);
  EXPECT_EQ(h.requests()[0].method, "GET");
  EXPECT_EQ(h.requests()[0].target, "/api/v10/gateway/bot");
}

TEST(rest_client_test, retries_a_429_after_its_retry_after) {
  const canned_response limited{
      429,
      {{"Retry-After", "1"}},
      R"({"message":"You are being rate limited.","retry_after":0.05,"global":false})"};
  harness h(first_then(limited, ok()));
  std::error_code ec;
  gateway_bot_info info;
  ASSERT_TRUE(h.run(
      [&](rest_client& c) -> asio::awaitable<void> { info = co_await c.get_gateway_bot(ec); }));

  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(info.shards, 9u);
  ASSERT_EQ(h.requests().size(), 2u);

  // The body's 0.05 s is more precise than the header's whole second, and wins (§9.4).
  const auto gap = h.requests()[1].at - h.requests()[0].at;
  EXPECT_GE(gap, core::milliseconds(50));
  EXPECT_LT(gap, core::milliseconds(900));
}

TEST(rest_client_test, retries_a_502_then_succeeds) {
  harness h(first_then({502, {}, R"({"message":"bad gateway"})"}, ok()));
  std::error_code ec;
  ASSERT_TRUE(
      h.run([&](rest_client& c) -> asio::awaitable<void> { co_await c.get_gateway_bot(ec); }));

  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(h.requests().size(), 2u);
}

TEST(rest_client_test, gives_up_on_server_errors_after_the_retry_bound) {
  harness h(
      [](const recorded_request&) {
        return canned_response{500, {}, "{}"};
      },
      [](rest_options& o) { o.max_server_retries = 2; });
  std::error_code ec;
  rest_response res;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> {
    res = co_await c.request(boost::beast::http::verb::get, "/gateway/bot", {}, ec);
  }));

  EXPECT_EQ(ec, rest_error::server_error);
  EXPECT_EQ(ec, rest_condition::retryable);
  EXPECT_EQ(res.status, 500u);
  EXPECT_EQ(h.requests().size(), 3u);
}

TEST(rest_client_test, unauthorized_stops_every_later_request) {
  harness h([](const recorded_request&) {
    return canned_response{401, {}, R"({"message": "401: Unauthorized", "code": 0})"};
  });
  std::error_code first;
  std::error_code second;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> {
    co_await c.get_gateway_bot(first);
    co_await c.get_current_user(second);
  }));

  EXPECT_EQ(first, rest_error::unauthorized);
  EXPECT_EQ(second, rest_error::unauthorized);
  EXPECT_EQ(first, rest_condition::fatal);
  EXPECT_EQ(h.requests().size(), 1u);
  EXPECT_TRUE(h.client->limiter().is_stopped());
}

TEST(rest_client_test, unauthorized_message_does_not_contain_the_token) {
  const std::string m = std::error_code(rest_error::unauthorized).message();
  EXPECT_EQ(m.find(token), std::string::npos);
  EXPECT_NE(m.find("401"), std::string::npos);
}

TEST(rest_client_test, logs_never_contain_the_token) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("rest-test", sink));
  spdlog::set_level(spdlog::level::debug);

  harness h(first_then({502, {}, "{}"}, {401, {}, R"({"message": "401: Unauthorized"})"}));
  std::error_code ec;
  const bool done = h.run([&](rest_client& c) -> asio::awaitable<void> {
    co_await c.get_gateway_bot(ec);
    co_await c.create_message("1", "{}", ec);
  });
  spdlog::set_default_logger(previous);

  ASSERT_TRUE(done);
  const std::vector<std::string> lines = sink->last_formatted();
  EXPECT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find(token), std::string::npos) << line;
  }
}

TEST(rest_client_test, keep_alive_reuses_one_connection) {
  harness h([](const recorded_request&) { return ok(); });
  std::error_code ec;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> {
    for (int i = 0; i < 3 && !ec; ++i) {
      co_await c.get_gateway_bot(ec);
    }
  }));

  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(h.requests().size(), 3u);
  EXPECT_EQ(h.server.connections(), 1u);
  EXPECT_EQ(h.client->connects(), 1u);
}

TEST(rest_client_test, reconnects_when_the_server_closed_an_idle_connection) {
  harness h([](const recorded_request&) {
    canned_response res = ok();
    res.close_after = true;
    return res;
  });
  std::error_code first;
  std::error_code second;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> {
    co_await c.get_gateway_bot(first);
    co_await c.get_gateway_bot(second);
  }));

  EXPECT_FALSE(first) << first.message();
  EXPECT_FALSE(second) << second.message();
  EXPECT_EQ(h.requests().size(), 2u);
  EXPECT_EQ(h.server.connections(), 2u);
}

TEST(rest_client_test, authorization_header_has_exactly_one_bot_prefix) {
  harness h([](const recorded_request&) { return ok(); });
  std::error_code ec;
  ASSERT_TRUE(
      h.run([&](rest_client& c) -> asio::awaitable<void> { co_await c.get_gateway_bot(ec); }));

  ASSERT_EQ(h.requests().size(), 1u);
  const std::string auth = h.requests()[0].header("Authorization");
  EXPECT_EQ(auth, std::string("Bot ") + token);
  std::size_t prefixes = 0;
  for (auto at = auth.find("Bot "); at != std::string::npos; at = auth.find("Bot ", at + 1)) {
    ++prefixes;
  }
  EXPECT_EQ(prefixes, 1u);
}

TEST(rest_client_test, token_with_a_prefix_is_refused_before_sending) {
  harness h([](const recorded_request&) { return ok(); },
            [](rest_options& o) { o.token = std::string("Bot ") + token; });
  std::error_code ec;
  ASSERT_TRUE(
      h.run([&](rest_client& c) -> asio::awaitable<void> { co_await c.get_gateway_bot(ec); }));

  EXPECT_EQ(h.client->configuration_error(), rest_error::invalid_token);
  EXPECT_EQ(ec, rest_error::invalid_token);
  EXPECT_TRUE(h.requests().empty());
}

TEST(rest_client_test, token_with_crlf_is_refused_before_sending) {
  harness h([](const recorded_request&) { return ok(); },
            [](rest_options& o) { o.token = std::string(token) + "\r\nX-Injected: 1"; });
  std::error_code ec;
  ASSERT_TRUE(
      h.run([&](rest_client& c) -> asio::awaitable<void> { co_await c.get_gateway_bot(ec); }));

  EXPECT_EQ(ec, rest_error::invalid_token);
  EXPECT_TRUE(h.requests().empty());
}

TEST(rest_client_test, user_agent_with_a_newline_is_refused) {
  harness h([](const recorded_request&) { return ok(); },
            [](rest_options& o) { o.user_agent = "DiscordBot (https://example.test, 1.0)\n"; });
  EXPECT_EQ(h.client->configuration_error(), rest_error::invalid_header);
}

TEST(rest_client_test, no_header_holds_cr_or_lf) {
  harness h([](const recorded_request&) { return ok(); });
  std::error_code ec;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> {
    co_await c.create_message("290926798999357250", R"({"content":"a\r\nb"})", ec);
  }));

  ASSERT_EQ(h.requests().size(), 1u);
  for (const auto& [name, value] : h.requests()[0].headers) {
    EXPECT_EQ(name.find_first_of("\r\n"), std::string::npos) << name;
    EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos) << name;
  }
}

TEST(rest_client_test, path_with_a_newline_is_refused_before_sending) {
  harness h([](const recorded_request&) { return ok(); });
  std::error_code ec;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> {
    co_await c.create_message("1\r\nX-Injected: 1", R"({"content":"x"})", ec);
  }));

  EXPECT_EQ(ec, rest_error::invalid_header);
  EXPECT_TRUE(h.requests().empty());
}

TEST(rest_client_test, sends_user_agent_and_json_content_type) {
  harness h([](const recorded_request&) { return ok(R"({"url":"wss://g.example.test/"})"); });
  std::error_code ec;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> { co_await c.get_gateway(ec); }));

  ASSERT_EQ(h.requests().size(), 1u);
  const recorded_request& r = h.requests()[0];
  EXPECT_EQ(r.header("User-Agent"), transport::default_user_agent);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("Host"), "127.0.0.1:" + std::to_string(h.server.port()));
}

TEST(rest_client_test, create_message_posts_the_json_body) {
  harness h([](const recorded_request&) {
    return ok(R"({"id":"1090079700000000000","channel_id":"290926798999357250","type":0})");
  });
  std::error_code ec;
  created_message msg;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> {
    msg = co_await c.create_message("290926798999357250", R"({"content":"pong"})", ec);
  }));

  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(msg.id, "1090079700000000000");
  ASSERT_EQ(h.requests().size(), 1u);
  EXPECT_EQ(h.requests()[0].method, "POST");
  EXPECT_EQ(h.requests()[0].target, "/api/v10/channels/290926798999357250/messages");
  EXPECT_EQ(h.requests()[0].body, R"({"content":"pong"})");
}

TEST(rest_client_test, exhausted_bucket_waits_for_reset_after) {
  harness h([](const recorded_request&) {
    return canned_response{200,
                           {{"X-RateLimit-Bucket", "abc"},
                            {"X-RateLimit-Limit", "1"},
                            {"X-RateLimit-Remaining", "0"},
                            {"X-RateLimit-Reset-After", "0.08"}},
                           gateway_bot_body};
  });
  std::error_code ec;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> {
    co_await c.get_gateway_bot(ec);
    co_await c.get_gateway_bot(ec);
  }));

  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(h.requests().size(), 2u);
  EXPECT_GE(h.requests()[1].at - h.requests()[0].at, core::milliseconds(80));
}

TEST(rest_client_test, requests_on_one_route_go_in_call_order) {
  using namespace asio::experimental::awaitable_operators;
  harness h([](const recorded_request&) { return ok(R"({"id":"1","channel_id":"1"})"); });
  std::error_code a, b, c;
  ASSERT_TRUE(h.run([&](rest_client& cl) -> asio::awaitable<void> {
    co_await (cl.create_message("1", "1", a) && cl.create_message("1", "2", b) &&
              cl.create_message("1", "3", c));
  }));

  ASSERT_EQ(h.requests().size(), 3u);
  EXPECT_EQ(h.requests()[0].body, "1");
  EXPECT_EQ(h.requests()[1].body, "2");
  EXPECT_EQ(h.requests()[2].body, "3");

  // Each waited for the one before, so one connection carried them all.
  EXPECT_EQ(h.server.connections(), 1u);
}

TEST(rest_client_test, another_channel_does_not_wait_for_an_exhausted_one) {
  using namespace asio::experimental::awaitable_operators;
  harness h([](const recorded_request& r) {
    canned_response res = ok(R"({"id":"1","channel_id":"1"})");
    if (r.target.find("/channels/1/") != std::string::npos) {
      res.headers = {{"X-RateLimit-Bucket", "m"},
                     {"X-RateLimit-Limit", "1"},
                     {"X-RateLimit-Remaining", "0"},
                     {"X-RateLimit-Reset-After", "0.2"}};
    }
    return res;
  });
  std::error_code a, b, c;
  ASSERT_TRUE(h.run([&](rest_client& cl) -> asio::awaitable<void> {
    co_await (cl.create_message("1", "a", a) && cl.create_message("1", "b", b) &&
              cl.create_message("2", "c", c));
  }));

  ASSERT_EQ(h.requests().size(), 3u);
  EXPECT_EQ(h.requests()[2].body, "b");
}

TEST(rest_client_test, refused_connection_is_connection_failed) {
  asio::io_context ioc;
  unsigned short port = 0;
  {
    // A loopback port that was just free and is closed again.
    asio::ip::tcp::acceptor probe(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  rest_options o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port) + "/api/v10";
  o.token = token;
  o.max_server_retries = 1;
  o.retry_backoff = core::milliseconds(1);
  rest_client client(ioc.get_executor(), o);

  std::error_code ec;
  ASSERT_TRUE(testing::run_until_done(
      ioc, [&]() -> asio::awaitable<void> { co_await client.get_gateway(ec); }));

  EXPECT_EQ(ec, rest_error::connection_failed);
}

TEST(rest_client_test, plain_http_to_a_remote_host_is_refused) {
  harness h([](const recorded_request&) { return ok(); },
            [](rest_options& o) { o.base_url = "http://discord.com/api/v10"; });
  EXPECT_EQ(h.client->configuration_error(), rest_error::insecure_url);
}

TEST(rest_client_test, bad_base_url_fails_every_call) {
  harness h([](const recorded_request&) { return ok(); },
            [](rest_options& o) { o.base_url = "ftp://discord.com/api/v10"; });
  std::error_code ec;
  ASSERT_TRUE(h.run([&](rest_client& c) -> asio::awaitable<void> { co_await c.get_gateway(ec); }));

  EXPECT_EQ(ec, rest_error::invalid_url);
  EXPECT_TRUE(h.requests().empty());
}

}  // namespace
}  // namespace gatehouse::rest
