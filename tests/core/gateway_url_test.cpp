// Tests for gateway URL building (gateway-spec.md §1.4).
#include "core/gateway_url.hpp"

#include <gtest/gtest.h>

namespace gatehouse::core {
namespace {

TEST(gateway_url_test, trailing_slash_base_gets_query) {
  EXPECT_EQ(gateway_url("wss://gateway.discord.gg/", 10, transport_compression::none),
            "wss://gateway.discord.gg/?v=10&encoding=json");
}

TEST(gateway_url_test, resume_url_without_slash_is_normalised) {
  EXPECT_EQ(gateway_url("wss://gateway-us-east1-c.discord.gg", 10, transport_compression::none),
            "wss://gateway-us-east1-c.discord.gg/?v=10&encoding=json");
}

TEST(gateway_url_test, existing_query_is_replaced) {
  EXPECT_EQ(gateway_url("wss://g.example/?v=6&encoding=etf", 10, transport_compression::none),
            "wss://g.example/?v=10&encoding=json");
}

TEST(gateway_url_test, zlib_compression_is_requested) {
  EXPECT_EQ(gateway_url("ws://127.0.0.1:8080", 10, transport_compression::zlib_stream),
            "ws://127.0.0.1:8080/?v=10&encoding=json&compress=zlib-stream");
}

TEST(gateway_url_test, zstd_compression_is_requested) {
  EXPECT_EQ(gateway_url("ws://127.0.0.1:8080/", 9, transport_compression::zstd_stream),
            "ws://127.0.0.1:8080/?v=9&encoding=json&compress=zstd-stream");
}

TEST(gateway_url_test, base_is_stripped_of_query_and_slashes) {
  EXPECT_EQ(normalize_gateway_base("wss://a.example//?x=1"), "wss://a.example");
}

}  // namespace
}  // namespace gatehouse::core
