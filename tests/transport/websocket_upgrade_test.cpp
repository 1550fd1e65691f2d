// Tests for the client's opening handshake: the key, the request and the checks on the 101.
#include "transport/websocket_upgrade.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "transport/transport_error.hpp"

namespace gatehouse::transport {
namespace {

namespace http = boost::beast::http;

// RFC 6455 §1.3's worked example.
constexpr std::string_view example_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view example_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

upgrade_response switching(std::string_view key) {
  upgrade_response r{http::status::switching_protocols, 11};
  r.set(http::field::upgrade, "websocket");
  r.set(http::field::connection, "Upgrade");
  r.set(http::field::sec_websocket_accept, websocket_accept(key));
  return r;
}

TEST(websocket_upgrade_test, accept_is_computed_as_the_rfc_example_shows) {
  EXPECT_EQ(websocket_accept(example_key), example_accept);
}

TEST(websocket_upgrade_test, keys_are_sixteen_random_bytes_in_base64) {
  const std::string a = make_websocket_key();
  const std::string b = make_websocket_key();

  EXPECT_EQ(a.size(), 24u);
  EXPECT_EQ(a.substr(22), "==");
  EXPECT_NE(a, b);
}

TEST(websocket_upgrade_test, the_request_asks_for_version_13_on_the_target) {
  const auto request =
      make_upgrade_request("gateway.discord.gg", "/?v=10&encoding=json", example_key, "ua/1");

  EXPECT_EQ(request.method(), http::verb::get);
  EXPECT_EQ(request.target(), "/?v=10&encoding=json");
  EXPECT_EQ(request[http::field::host], "gateway.discord.gg");
  EXPECT_EQ(request[http::field::upgrade], "websocket");
  EXPECT_EQ(request[http::field::sec_websocket_key], example_key);
  EXPECT_EQ(request[http::field::sec_websocket_version], "13");
  EXPECT_EQ(request[http::field::user_agent], "ua/1");
}

TEST(websocket_upgrade_test, a_proper_101_is_accepted) {
  EXPECT_FALSE(check_upgrade_response(switching(example_key), example_key));
}

TEST(websocket_upgrade_test, header_tokens_match_without_case_inside_lists) {
  auto r = switching(example_key);
  r.set(http::field::upgrade, "WebSocket");
  r.set(http::field::connection, "keep-alive, upgrade");

  EXPECT_FALSE(check_upgrade_response(r, example_key));
}

TEST(websocket_upgrade_test, anything_short_of_a_proper_101_is_refused) {
  const std::error_code refused = transport_error::upgrade_refused;

  auto not_101 = switching(example_key);
  not_101.result(http::status::ok);
  EXPECT_EQ(check_upgrade_response(not_101, example_key), refused);

  auto no_upgrade = switching(example_key);
  no_upgrade.erase(http::field::upgrade);
  EXPECT_EQ(check_upgrade_response(no_upgrade, example_key), refused);

  auto no_connection = switching(example_key);
  no_connection.set(http::field::connection, "keep-alive");
  EXPECT_EQ(check_upgrade_response(no_connection, example_key), refused);

  EXPECT_EQ(check_upgrade_response(switching("another key"), example_key), refused);

  auto compressed = switching(example_key);
  compressed.set(http::field::sec_websocket_extensions, "permessage-deflate");
  EXPECT_EQ(check_upgrade_response(compressed, example_key), refused);

  auto subprotocol = switching(example_key);
  subprotocol.set(http::field::sec_websocket_protocol, "chat");
  EXPECT_EQ(check_upgrade_response(subprotocol, example_key), refused);
}

}  // namespace
}  // namespace gatehouse::transport
