#include "rest/rest_client.hpp"

#include "test_http_server.hpp"
#include "testgw/tls.hpp"
#include "transport/transport_error.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace gatehouse::rest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr const char* token = "test-token-not-real.abc.def";

// An https listener on loopback with a fresh self-signed certificate for 127.0.0.1; it answers
// each request with a /gateway body and counts what got through the handshake.
class tls_server {
 public:
  explicit tls_server(asio::io_context& ioc)
      : cert_(testgw::generate_self_signed()),
        tls_(testgw::make_server_context(cert_.cert_pem, cert_.key_pem)),
        acceptor_(ioc, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(ioc, accept_loop(), asio::detached);
  }

  std::string base_url() const {
    return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/api/v10";
  }

  // Writes the certificate where a client can load it as its CA file.
  std::string write_ca_file() const {
    const auto path = std::filesystem::temp_directory_path() /
                      ("gatehouse-rest-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(path) << cert_.cert_pem;
    return path.string();
  }

  int accepted = 0;
  int requests = 0;

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s =
          co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        co_return;
      }
      ++accepted;
      asio::co_spawn(acceptor_.get_executor(), serve(std::move(s)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket s) {
    boost::system::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    beast::ssl_stream<beast::tcp_stream> stream(std::move(s), tls_);
    co_await stream.async_handshake(asio::ssl::stream_base::server, token);
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    if (!ec) {
      co_await http::async_read(stream, buffer, req, token);
    }
    if (ec) {
      co_return;
    }

    ++requests;
    http::response<http::string_body> res{http::status::ok, 11};
    res.body() = R"({"url":"wss://127.0.0.1/"})";
    res.keep_alive(false);
    res.prepare_payload();
    co_await http::async_write(stream, res, token);
  }

  testgw::self_signed cert_;
  asio::ssl::context tls_;
  tcp::acceptor acceptor_;
};

rest_options tls_options(const tls_server& server, std::string ca_file) {
  rest_options o;
  o.base_url = server.base_url();
  o.token = token;
  o.ca_file = std::move(ca_file);
  o.request_timeout = core::seconds(2);
  o.retry_backoff = core::milliseconds(5);
  return o;
}

TEST(tls_test, server_verified_against_the_given_ca_file_answers) {
  asio::io_context ioc;
  tls_server server(ioc);
  const std::string ca_file = server.write_ca_file();
  rest_client client(ioc.get_executor(), tls_options(server, ca_file));

  std::error_code ec;
  gateway_info info;
  ASSERT_TRUE(testing::run_until_done(
      ioc, [&]() -> asio::awaitable<void> { info = co_await client.get_gateway(ec); }));
  std::filesystem::remove(ca_file);

  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(info.url, "wss://127.0.0.1/");
  EXPECT_EQ(server.requests, 1);
}

TEST(tls_test, unverifiable_certificate_is_refused_without_fallback) {
  asio::io_context ioc;
  tls_server server(ioc);
  rest_client client(ioc.get_executor(), tls_options(server, ""));

  std::error_code ec;
  ASSERT_TRUE(testing::run_until_done(
      ioc, [&]() -> asio::awaitable<void> { co_await client.get_gateway(ec); }));

  // The system store does not know the certificate: no request, and no second attempt.
  EXPECT_EQ(ec, transport::transport_error::certificate_untrusted) << ec.message();
  EXPECT_EQ(server.requests, 0);
  EXPECT_EQ(server.accepted, 1);
}

TEST(tls_test, unreadable_ca_file_is_a_configuration_error) {
  asio::io_context ioc;
  tls_server server(ioc);
  rest_client client(ioc.get_executor(), tls_options(server, "/nonexistent/gatehouse-ca.pem"));

  EXPECT_EQ(client.configuration_error(), transport::transport_error::ca_file_unreadable);
}

}  // namespace
}  // namespace gatehouse::rest
