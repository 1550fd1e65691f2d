// Tests for the Hello, READY and Invalid Session readers (gateway-spec.md §3.4, §3.8).
#include "core/inbound.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

TEST(inbound_test, hello_interval_is_read) {
  std::error_code ec;
  auto d = R"({"heartbeat_interval":41250,"_trace":["x"]})";
  EXPECT_EQ(read_hello(d, ec), milliseconds(41250));
  EXPECT_FALSE(ec);
}

TEST(inbound_test, hello_without_interval_is_malformed) {
  std::error_code ec;
  read_hello(R"({"_trace":[]})", ec);
  EXPECT_EQ(ec, error::malformed_message);
  read_hello(R"({"heartbeat_interval":0})", ec);
  EXPECT_EQ(ec, error::malformed_message);
}

TEST(inbound_test, ready_session_and_resume_url_are_read_in_any_order) {
  std::error_code ec;
  auto r = read_ready(R"({"resume_gateway_url":"wss://r.example","v":10,"user":{"id":"1"},
                          "guilds":[{"id":"2","unavailable":true}],"session_id":"s1"})",
                      ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(r.session_id, "s1");
  EXPECT_EQ(r.resume_gateway_url, "wss://r.example");
}

TEST(inbound_test, ready_without_resume_url_is_accepted) {
  std::error_code ec;
  auto r = read_ready(R"({"session_id":"s1","resume_gateway_url":null})", ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(r.resume_gateway_url.empty());
}

TEST(inbound_test, ready_without_session_is_malformed) {
  std::error_code ec;
  read_ready(R"({"v":10})", ec);
  EXPECT_EQ(ec, error::malformed_message);
}

TEST(inbound_test, invalid_session_true_is_resumable) {
  EXPECT_TRUE(read_invalid_session("true"));
}

TEST(inbound_test, invalid_session_anything_else_is_not_resumable) {
  EXPECT_FALSE(read_invalid_session("false"));
  EXPECT_FALSE(read_invalid_session("null"));
}

}  // namespace
}  // namespace gatehouse::core
