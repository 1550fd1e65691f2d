// Tests for gateway URL parsing; the shared URL rules are in url_test.cpp.
#include "transport/endpoint.hpp"

#include <gtest/gtest.h>

#include "transport/transport_error.hpp"

namespace gatehouse::transport {
namespace {

TEST(endpoint_test, wss_url_keeps_its_query_in_the_target) {
  std::error_code ec;
  const auto e = parse_endpoint("wss://gateway.discord.gg/?v=10&encoding=json", ec);

  ASSERT_FALSE(ec);
  EXPECT_TRUE(e.secure);
  EXPECT_EQ(e.host, "gateway.discord.gg");
  EXPECT_EQ(e.port, "443");
  EXPECT_EQ(e.target, "/?v=10&encoding=json");
}

TEST(endpoint_test, url_without_path_gets_a_root_target) {
  std::error_code ec;
  const auto e = parse_endpoint("wss://gateway-us-east1-c.discord.gg?v=10", ec);

  ASSERT_FALSE(ec);
  EXPECT_EQ(e.target, "/?v=10");

  EXPECT_EQ(parse_endpoint("wss://gateway.discord.gg", ec).target, "/");
}

TEST(endpoint_test, a_fragment_never_reaches_the_request_target) {
  std::error_code ec;

  EXPECT_EQ(parse_endpoint("wss://gateway.discord.gg/?v=10#x", ec).target, "/?v=10");
  EXPECT_FALSE(ec);
  EXPECT_EQ(parse_endpoint("wss://gateway.discord.gg#x", ec).target, "/");
}

TEST(endpoint_test, ws_to_loopback_is_accepted) {
  std::error_code ec;
  for (const char* url : {"ws://127.0.0.1:8443/?v=10", "ws://[::1]:9000/", "ws://localhost/"}) {
    const auto e = parse_endpoint(url, ec);
    EXPECT_FALSE(ec) << url;
    EXPECT_FALSE(e.secure) << url;
  }
}

TEST(endpoint_test, ws_to_a_remote_host_is_refused) {
  std::error_code ec;
  parse_endpoint("ws://gateway.discord.gg/?v=10", ec);

  EXPECT_EQ(ec, transport_error::insecure_url);
}

TEST(endpoint_test, other_schemes_and_malformed_urls_are_invalid) {
  for (const char* bad : {"https://gateway.discord.gg/", "wss:///?v=10", "wss://host:44x3/"}) {
    std::error_code ec;
    parse_endpoint(bad, ec);
    EXPECT_EQ(ec, transport_error::invalid_url) << bad;
  }
}

}  // namespace
}  // namespace gatehouse::transport
