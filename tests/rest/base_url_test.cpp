// Tests for the REST base URL; the shared URL rules are in tests/transport/url_test.cpp.
#include "rest/base_url.hpp"

#include "rest/rest_error.hpp"

#include <gtest/gtest.h>

namespace gatehouse::rest {
namespace {

TEST(base_url_test, discord_default_is_tls_with_its_prefix) {
  std::error_code ec;
  const base_url u = parse_base_url("https://discord.com/api/v10", ec);
  ASSERT_FALSE(ec);
  EXPECT_TRUE(u.secure);
  EXPECT_EQ(u.host, "discord.com");
  EXPECT_EQ(u.port, "443");
  EXPECT_EQ(u.prefix, "/api/v10");
}

TEST(base_url_test, plain_http_parses_and_the_prefix_loses_its_trailing_slash) {
  std::error_code ec;
  const base_url u = parse_base_url("http://127.0.0.1:8123/api/v10/", ec);
  ASSERT_FALSE(ec);
  EXPECT_FALSE(u.secure);
  EXPECT_EQ(u.port, "8123");
  EXPECT_EQ(u.prefix, "/api/v10");
}

TEST(base_url_test, refuses_what_is_not_a_plain_http_base) {
  for (const char* bad : {"wss://discord.com/api", "https:///api", "https://discord.com/api?v=10",
                          "https://discord.com/api#v10", "https://discord.com/api/@me"}) {
    std::error_code ec;
    parse_base_url(bad, ec);
    EXPECT_EQ(ec, rest_error::invalid_url) << bad;
  }
}

}  // namespace
}  // namespace gatehouse::rest
