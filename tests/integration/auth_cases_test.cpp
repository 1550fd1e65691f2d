// The token and intents cases (G02, G03, G04): the real client and REST client against the
// test gateway, which accepts only the exact bare token and the enabled privileged intents.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/intents.hpp"
#include "core/token.hpp"
#include "harness.hpp"
#include "rest/rest_error.hpp"
#include "testgw/world.hpp"

namespace gatehouse::integration {
namespace {

bool is_ready(const recorded_client& c) {
  return c.count(lifecycle_kind::ready) > 0;
}

bool is_fatal(const recorded_client& c) {
  return c.count(lifecycle_kind::fatal) > 0;
}

// The window a fatal code must not be retried in: Discord's 30 s, scaled like the backoff
// (its cap is 400 ms here, so several reconnects would fit).
constexpr auto no_retry_window = 1500ms;

TEST(token_test, case_g02_bot_prefix_is_stripped_for_identify_resume_and_rest) {
  loopback net;
  auto options = fast_client(net.gateway);
  options.token = "Bot " + std::string(test_token);
  recorded_client client(net.io, options);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return is_ready(client); }, 5s));

  // A dropped connection makes the client resume with the same token.
  net.gateway.inject({.kind = testgw::fault_kind::drop});
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.count(lifecycle_kind::resumed) == 1 && client.is_active(); },
      5s));

  // The gateway closes with 4004 unless op 2 and op 6 carry exactly the bare token.
  const auto r = net.gateway.report();
  EXPECT_EQ(report::received(r, 2), 1u);
  EXPECT_EQ(report::received(r, 6), 1u);
  EXPECT_EQ(report::all_violations(r), 0u);

  // REST answers 401 unless the header is exactly "Bot " and the bare token.
  std::error_code ec;
  const auto bare = core::normalize_token(options.token, ec);
  ASSERT_FALSE(ec);
  const auto answer = fetch_gateway_bot(net.io, net.gateway.api_base(), bare.value);
  EXPECT_FALSE(answer.ec) << answer.ec.message();
  EXPECT_EQ(answer.info.url, net.gateway.gateway_url());
}

TEST(token_test, case_g02_rejected_token_4004_is_fatal_and_never_retried) {
  loopback net;
  auto options = fast_client(net.gateway);
  options.token = "test-token-not-real.wrong.token";
  recorded_client client(net.io, options);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return is_fatal(client); }, 5s));
  run_for(net.io, no_retry_window);

  EXPECT_EQ(client.last(lifecycle_kind::fatal)->close_code, 4004);
  EXPECT_EQ(client.count(lifecycle_kind::reconnecting), 0u);
  const auto r = net.gateway.report();
  EXPECT_EQ(report::connections(r).size(), 1u);
  EXPECT_EQ(report::received(r, 2), 1u);
}

TEST(token_test, case_g03_token_with_whitespace_or_quotes_is_normalised) {
  for (const std::string& raw : {std::string(test_token) + "\n", std::string(test_token) + "\r\n",
                                 " '" + std::string(test_token) + "' "}) {
    loopback net;
    auto options = fast_client(net.gateway);
    options.token = raw;
    recorded_client client(net.io, options);
    ASSERT_FALSE(client.start());
    EXPECT_TRUE(run_until(
        net.io, [&] { return is_ready(client); }, 5s));
    EXPECT_EQ(report::all_violations(net.gateway.report()), 0u);

    // REST either refuses the raw token or sends it cleaned; CR/LF never reach a header.
    const auto answer = fetch_gateway_bot(net.io, net.gateway.api_base(), raw);
    if (answer.ec) {
      EXPECT_TRUE(answer.ec == rest::rest_error::invalid_token ||
                  answer.ec == rest::rest_error::invalid_header)
          << answer.ec.message();
    }
  }
}

TEST(token_test, case_g03_token_with_inner_whitespace_is_refused_before_connecting) {
  loopback net;
  auto options = fast_client(net.gateway);
  options.token = "test-token-not-real abc.def";
  recorded_client client(net.io, options);

  const auto ec = client.start();
  EXPECT_EQ(ec, error::invalid_token);
  EXPECT_EQ(ec, error_condition_kind::configuration);
  run_for(net.io, 200ms);
  EXPECT_TRUE(report::connections(net.gateway.report()).empty());
}

testgw::gateway_options without_privileged_intents() {
  auto o = fast_gateway();
  o.world.application_flags = 0;
  return o;
}

TEST(intents_test, case_g04_disallowed_intent_4014_is_fatal_and_names_the_intent) {
  loopback net(without_privileged_intents());
  auto options = fast_client(net.gateway);
  options.intents |= core::message_content_intent;
  recorded_client client(net.io, options);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return is_fatal(client); }, 5s));
  run_for(net.io, no_retry_window);

  const auto fatal = *client.last(lifecycle_kind::fatal);
  EXPECT_EQ(fatal.close_code, 4014);
  EXPECT_EQ(fatal.reason, error::fatal_close);
  EXPECT_EQ(fatal.reason, error_condition_kind::fatal);
  EXPECT_NE(fatal.message.find("MESSAGE_CONTENT"), std::string::npos) << fatal.message;
  EXPECT_EQ(report::received(net.gateway.report(), 2), 1u);
  EXPECT_EQ(client.count(lifecycle_kind::reconnecting), 0u);
}

TEST(intents_test, case_g04_undefined_intent_bit_is_refused_before_connecting) {
  loopback net;
  auto options = fast_client(net.gateway);
  options.intents |= 1u << 30;
  recorded_client client(net.io, options);

  EXPECT_EQ(client.start(), error::undefined_intent_bits);
  run_for(net.io, 200ms);
  EXPECT_TRUE(report::connections(net.gateway.report()).empty());
}

TEST(intents_test, case_g04_identify_always_carries_intents_even_when_none) {
  // The gateway closes with 4013 when `intents` is missing (§7.1); zero is a valid value.
  loopback net;
  auto options = fast_client(net.gateway);
  options.intents = 0;
  recorded_client client(net.io, options);
  ASSERT_FALSE(client.start());

  EXPECT_TRUE(run_until(
      net.io, [&] { return is_ready(client); }, 5s));
  EXPECT_EQ(report::violations_with(net.gateway.report(), 4013), 0u);
}

TEST(intents_test, case_g04_invalid_intents_4013_is_fatal_and_never_retried) {
  loopback net;
  recorded_client client(net.io, fast_client(net.gateway));
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return is_ready(client); }, 5s));

  net.gateway.inject(
      {.kind = testgw::fault_kind::close, .code = 4013, .reason = "Invalid intent(s)."});
  ASSERT_TRUE(run_until(
      net.io, [&] { return is_fatal(client); }, 5s));
  run_for(net.io, no_retry_window);

  EXPECT_EQ(client.last(lifecycle_kind::fatal)->close_code, 4013);
  EXPECT_EQ(report::connections(net.gateway.report()).size(), 1u);
}

}  // namespace
}  // namespace gatehouse::integration
