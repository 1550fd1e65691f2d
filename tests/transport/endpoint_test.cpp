// Tests for gateway URL parsing.
#include "transport/endpoint.hpp"

#include <gtest/gtest.h>

#include "transport/transport_error.hpp"

namespace gatehouse::transport {
namespace {

TEST(endpoint_test, wss_url_defaults_to_port_443) {
  std::error_code ec;
  const auto e = parse_endpoint("wss://gateway.discord.gg/?v=10&encoding=json", ec);

  ASSERT_FALSE(ec);
  EXPECT_TRUE(e.secure);
  EXPECT_EQ(e.host, "gateway.discord.gg");
  EXPECT_EQ(e.port, "443");
  EXPECT_EQ(e.target, "/?v=10&encoding=json");
  EXPECT_EQ(e.host_header(), "gateway.discord.gg");
}

TEST(endpoint_test, url_without_path_gets_a_root_target) {
  std::error_code ec;
  const auto e = parse_endpoint("wss://gateway-us-east1-c.discord.gg?v=10", ec);

  ASSERT_FALSE(ec);
  EXPECT_EQ(e.host, "gateway-us-east1-c.discord.gg");
  EXPECT_EQ(e.target, "/?v=10");
}

TEST(endpoint_test, ws_to_loopback_is_accepted_with_its_port) {
  std::error_code ec;
  const auto e = parse_endpoint("ws://127.0.0.1:8443/?v=10", ec);

  ASSERT_FALSE(ec);
  EXPECT_FALSE(e.secure);
  EXPECT_EQ(e.port, "8443");
  EXPECT_EQ(e.host_header(), "127.0.0.1:8443");
}

TEST(endpoint_test, ws_to_ipv6_loopback_is_accepted) {
  std::error_code ec;
  const auto e = parse_endpoint("ws://[::1]:9000/", ec);

  ASSERT_FALSE(ec);
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.host_header(), "[::1]:9000");
}

TEST(endpoint_test, ws_to_a_remote_host_is_refused) {
  std::error_code ec;
  parse_endpoint("ws://gateway.discord.gg/?v=10", ec);

  EXPECT_EQ(ec, transport_error::insecure_url);
}

TEST(endpoint_test, other_schemes_are_refused) {
  std::error_code ec;
  parse_endpoint("https://gateway.discord.gg/", ec);

  EXPECT_EQ(ec, transport_error::invalid_url);
}

TEST(endpoint_test, missing_host_or_bad_port_is_refused) {
  std::error_code ec;
  parse_endpoint("wss:///?v=10", ec);
  EXPECT_EQ(ec, transport_error::invalid_url);

  parse_endpoint("wss://host:44x3/", ec);
  EXPECT_EQ(ec, transport_error::invalid_url);
}

TEST(endpoint_test, logs_see_the_url_without_its_query) {
  EXPECT_EQ(without_query("wss://gateway.discord.gg/?v=10&encoding=json"),
            "wss://gateway.discord.gg/");
}

}  // namespace
}  // namespace gatehouse::transport
