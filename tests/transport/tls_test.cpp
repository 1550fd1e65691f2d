// Tests for TLS on gateway connections (case G25): the peer is always verified, a failure
// names the verifier's reason, and nothing is ever sent in clear text instead.
#include "transport/tls.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <filesystem>
#include <fstream>

#include "recording_listener.hpp"
#include "test_certificates.hpp"
#include "transport/connection.hpp"
#include "transport/transport_error.hpp"
#include "ws_test_server.hpp"

namespace gatehouse::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using testing::run_until;

// A WebSocket-over-TLS server that counts handshakes and upgrades.
class tls_server {
 public:
  tls_server(asio::io_context& io, const std::pair<std::string, std::string>& leaf)
      : context_(ssl::context::tls_server),
        acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    context_.use_certificate_chain(asio::buffer(leaf.first));
    context_.use_private_key(asio::buffer(leaf.second), ssl::context::pem);
    accept();
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  int tls_handshakes = 0;
  int upgrades = 0;

 private:
  using socket = beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, asio::ip::tcp::socket s) {
      if (ec) {
        return;
      }
      auto ws = std::make_shared<socket>(std::move(s), context_);
      ws->next_layer().async_handshake(ssl::stream_base::server, [this, ws](beast::error_code e) {
        if (e) {
          return;
        }
        ++tls_handshakes;
        ws->async_accept([this, ws](beast::error_code e2) { upgrades += e2 ? 0 : 1; });
      });
      accept();
    });
  }

  ssl::context context_;
  asio::ip::tcp::acceptor acceptor_;
};

struct tls_test : ::testing::Test {
  void TearDown() override { std::filesystem::remove(ca_file); }

  // Writes the CA's PEM to a file, as an operator would configure it.
  std::string write_ca_file() {
    std::ofstream(ca_file) << ca.pem();
    return ca_file.string();
  }

  // Connects to wss://<host>:<port>/ verifying against `ca_path` (empty: the system store).
  void connect(const std::string& host, unsigned short port, const std::string& ca_path,
               connection_options options = {}) {
    std::error_code ec;
    auto context = make_tls_context(ca_path, ec);
    ASSERT_FALSE(ec);
    const auto where = parse_endpoint("wss://" + host + ":" + std::to_string(port) + "/", ec);
    ASSERT_FALSE(ec);
    conn = make_connection(asio::make_strand(io), where, context, options, events, 1);
    conn->start();
  }

  bool finished() {
    return run_until(io, [&] { return events.opened + events.errors.size() > 0; });
  }

  asio::io_context io;
  testing::test_ca ca;
  testing::recorder events;
  std::shared_ptr<connection> conn;
  std::filesystem::path ca_file = std::filesystem::temp_directory_path() /
                                  ("gatehouse-tls-test-" + std::to_string(::getpid()) + ".pem");
};

TEST_F(tls_test, case_g25_configured_ca_verifies_and_opens) {
  tls_server server(io, ca.issue({}));
  connect("localhost", server.port(), write_ca_file());

  ASSERT_TRUE(finished());
  EXPECT_EQ(events.opened, 1);
  EXPECT_EQ(server.upgrades, 1);
}

TEST_F(tls_test, ip_address_host_is_checked_against_the_certificate_addresses) {
  tls_server server(io, ca.issue({.subject_alt_names = "IP:127.0.0.1"}));
  connect("127.0.0.1", server.port(), write_ca_file());

  ASSERT_TRUE(finished());
  EXPECT_EQ(events.opened, 1);
}

TEST_F(tls_test, case_g25_unknown_ca_is_refused_as_untrusted) {
  tls_server server(io, ca.issue({}));
  connect("localhost", server.port(), "");

  ASSERT_TRUE(finished());
  ASSERT_EQ(events.errors.size(), 1u);
  EXPECT_EQ(events.errors[0], transport_error::certificate_untrusted);
  EXPECT_EQ(server.upgrades, 0);
}

TEST_F(tls_test, case_g25_expired_leaf_is_refused_as_expired) {
  tls_server server(io, ca.issue({.valid_from_s = -7200, .valid_until_s = -3600}));
  connect("localhost", server.port(), write_ca_file());

  ASSERT_TRUE(finished());
  ASSERT_EQ(events.errors.size(), 1u);
  EXPECT_EQ(events.errors[0], transport_error::certificate_expired);
}

TEST_F(tls_test, case_g25_hostname_mismatch_is_refused) {
  tls_server server(io, ca.issue({.subject_alt_names = "DNS:gateway.example"}));
  connect("localhost", server.port(), write_ca_file());

  ASSERT_TRUE(finished());
  ASSERT_EQ(events.errors.size(), 1u);
  EXPECT_EQ(events.errors[0], transport_error::hostname_mismatch);
  EXPECT_EQ(server.upgrades, 0);
}

TEST_F(tls_test, plain_server_behind_wss_url_fails_without_falling_back) {
  // The plain server waits for an HTTP request that never comes; the handshake is bounded.
  testing::ws_test_server plain(io);
  connection_options options;
  options.handshake_timeout = std::chrono::milliseconds(300);
  connect("127.0.0.1", plain.port(), write_ca_file(), options);

  ASSERT_TRUE(finished());
  ASSERT_EQ(events.errors.size(), 1u);
  EXPECT_TRUE(is_tls_error(events.errors[0]));
  EXPECT_EQ(events.opened, 0);
}

TEST_F(tls_test, unreadable_ca_file_is_refused) {
  std::error_code ec;
  const auto context = make_tls_context("/nonexistent/gatehouse/ca.pem", ec);

  EXPECT_EQ(ec, transport_error::ca_file_unreadable);
  EXPECT_EQ(context, nullptr);
}

}  // namespace
}  // namespace gatehouse::transport
