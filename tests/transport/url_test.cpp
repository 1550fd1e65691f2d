// Tests for the URL rules REST and the gateway share.
#include "transport/url.hpp"

#include <gtest/gtest.h>

namespace gatehouse::transport {
namespace {

constexpr url_schemes https{"https://", "http://"};

TEST(url_test, secure_scheme_defaults_to_port_443) {
  const auto u = parse_url("https://discord.com/api/v10", https);

  ASSERT_TRUE(u);
  EXPECT_TRUE(u->origin.secure);
  EXPECT_EQ(u->origin.host, "discord.com");
  EXPECT_EQ(u->origin.port, "443");
  EXPECT_EQ(u->rest, "/api/v10");
  EXPECT_EQ(u->origin.host_header(), "discord.com");
}

TEST(url_test, authority_gives_host_port_and_host_header) {
  struct row {
    const char* url;
    const char* host;
    const char* port;
    const char* host_header;
  };
  for (const row& r : {row{"http://localhost/", "localhost", "80", "localhost"},
                       row{"http://127.0.0.1:8123/api/v10/", "127.0.0.1", "8123", "127.0.0.1:8123"},
                       row{"https://[::1]:8123/api/v10", "::1", "8123", "[::1]:8123"},
                       row{"https://[::1]/", "::1", "443", "[::1]"}}) {
    const auto u = parse_url(r.url, https);

    ASSERT_TRUE(u) << r.url;
    EXPECT_EQ(u->origin.host, r.host) << r.url;
    EXPECT_EQ(u->origin.port, r.port) << r.url;
    EXPECT_EQ(u->origin.host_header(), r.host_header) << r.url;
  }
}

TEST(url_test, authority_ends_at_the_query_when_there_is_no_path) {
  const auto u = parse_url("https://gateway-us-east1-c.discord.gg?v=10", https);

  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin.host, "gateway-us-east1-c.discord.gg");
  EXPECT_EQ(u->rest, "?v=10");
}

TEST(url_test, refuses_a_malformed_authority_or_another_scheme) {
  for (const char* bad :
       {"ftp://discord.com/api", "discord.com/api/v10", "https:///api", "https://?v=10",
        "https://discord.com:99999/api", "https://discord.com:0/api", "https://discord.com:/api",
        "https://host:44x3/", "https://user@discord.com/api", "https://[::1/", "https://[::1]x/",
        "https://disc ord.com/api", "https://discord.com/api\r\n"}) {
    EXPECT_FALSE(parse_url(bad, https)) << bad;
  }
}

TEST(url_test, only_tls_or_loopback_may_carry_a_token) {
  EXPECT_TRUE((origin{true, "discord.com", "443"}.may_carry_token()));
  EXPECT_FALSE((origin{false, "discord.com", "80"}.may_carry_token()));
  for (const char* host : {"localhost", "127.0.0.1", "127.9.8.7", "::1"}) {
    EXPECT_TRUE((origin{false, host, "80"}.may_carry_token())) << host;
  }
}

TEST(url_test, logs_see_the_url_without_its_query) {
  EXPECT_EQ(without_query("wss://gateway.discord.gg/?v=10&encoding=json"),
            "wss://gateway.discord.gg/");
}

}  // namespace
}  // namespace gatehouse::transport
