#include "rest/base_url.hpp"

#include "rest/rest_error.hpp"

#include <gtest/gtest.h>

namespace gatehouse::rest {
namespace {

TEST(base_url_test, discord_default_is_tls_on_443) {
  std::error_code ec;
  const base_url u = parse_base_url("https://discord.com/api/v10", ec);
  ASSERT_FALSE(ec);
  EXPECT_TRUE(u.is_tls);
  EXPECT_EQ(u.host, "discord.com");
  EXPECT_EQ(u.port, "443");
  EXPECT_EQ(u.prefix, "/api/v10");
}

TEST(base_url_test, loopback_http_keeps_its_port) {
  std::error_code ec;
  const base_url u = parse_base_url("http://127.0.0.1:8123/api/v10/", ec);
  ASSERT_FALSE(ec);
  EXPECT_FALSE(u.is_tls);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, "8123");
  EXPECT_EQ(u.prefix, "/api/v10");
}

TEST(base_url_test, ipv6_literal_loses_its_brackets) {
  std::error_code ec;
  const base_url u = parse_base_url("http://[::1]:8123/api/v10", ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, "8123");
}

TEST(base_url_test, refuses_what_is_not_a_plain_http_base) {
  for (const char* bad : {"ftp://discord.com/api", "discord.com/api/v10", "https:///api",
                          "https://discord.com:99999/api", "https://discord.com:/api",
                          "https://user@discord.com/api", "https://discord.com/api?v=10",
                          "https://disc ord.com/api", "https://discord.com/api\r\n"}) {
    std::error_code ec;
    parse_base_url(bad, ec);
    EXPECT_EQ(ec, rest_error::invalid_url) << bad;
  }
}

}  // namespace
}  // namespace gatehouse::rest
