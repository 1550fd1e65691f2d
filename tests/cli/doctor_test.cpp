// `gatehouse doctor` against the in-process test gateway over loopback.
#include "cli/doctor.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <sstream>
#include <thread>

#include "cli/output.hpp"
#include "core/intents.hpp"
#include "rest/test_http_server.hpp"
#include "testgw/server.hpp"

namespace {

using namespace std::chrono_literals;
using gatehouse::cli::diagnose;
using gatehouse::cli::doctor_options;
using gatehouse::cli::exit_code;
namespace testgw = gatehouse::testgw;
namespace rest_testing = gatehouse::rest::testing;

constexpr auto token = "test-token-not-real.abc.def";

testgw::gateway_options with_token(testgw::gateway_options g) {
  g.token = token;
  return g;
}

// A test gateway on its own thread, and doctor options pointing at it with `env_token`.
struct clinic {
  explicit clinic(testgw::gateway_options g = {}) : gateway(with_token(std::move(g))) {
    gateway.start();
  }

  doctor_options options(std::string env_token = token) const {
    doctor_options o;
    o.env = [env_token](std::string_view) -> std::optional<std::string> { return env_token; };
    o.env_file = "/nonexistent/.env";
    o.api_base = gateway.api_base();
    o.gateway_timeout = 10s;
    return o;
  }

  testgw::test_gateway gateway;
};

// A REST server on its own thread that answers doctor's four requests, with `application` as
// the body of GET /applications/@me; GET /gateway/bot sends doctor on to `gateway_url`.
struct scripted_rest {
  scripted_rest(std::string gateway_url, std::string application)
      : server(io,
               [gateway_url, application](const rest_testing::recorded_request& r) {
                 if (r.target.ends_with("/applications/@me")) {
                   return rest_testing::canned_response{200, {}, application};
                 }
                 if (r.target.ends_with("/users/@me")) {
                   return rest_testing::canned_response{200, {}, R"({"id":"1","username":"bot"})"};
                 }
                 return rest_testing::canned_response{
                     200,
                     {},
                     R"({"url":")" + gateway_url + R"(","shards":1,"session_start_limit":)" +
                         R"({"total":1000,"remaining":1000,"reset_after":0,"max_concurrency":1}})"};
               }),
        thread([this] { io.run(); }) {}

  ~scripted_rest() {
    io.stop();
    thread.join();
  }

  boost::asio::io_context io;
  rest_testing::test_http_server server;
  std::thread thread;
};

bool has_line(const std::string& out, std::string_view start, std::string_view part) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(start) && line.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(doctor_test, a_healthy_setup_passes_every_step) {
  clinic c;
  std::ostringstream out;

  const int code = diagnose(c.options(), out);

  EXPECT_EQ(code, 0) << out.str();
  EXPECT_TRUE(has_line(out.str(), "[ OK ] identify", "READY")) << out.str();
  EXPECT_EQ(out.str().find("[FAIL]"), std::string::npos) << out.str();
}

TEST(doctor_test, a_second_run_inside_the_identify_window_says_to_wait) {
  clinic c;  // one identify per 5 s, as Discord allows
  std::ostringstream first;
  ASSERT_EQ(diagnose(c.options(), first), 0) << first.str();
  std::ostringstream second;

  const int code = diagnose(c.options(), second);

  EXPECT_EQ(code, static_cast<int>(exit_code::failure));
  EXPECT_TRUE(has_line(second.str(), "[FAIL] identify", "op 9")) << second.str();
  EXPECT_TRUE(has_line(second.str(), "", "wait 5 seconds")) << second.str();
}

TEST(doctor_test, a_wrong_token_is_diagnosed_as_401) {
  clinic c;
  std::ostringstream out;

  const int code = diagnose(c.options("wrong-token-not-real.abc.def"), out);

  EXPECT_EQ(code, static_cast<int>(exit_code::authentication));
  EXPECT_TRUE(has_line(out.str(), "[FAIL] REST token", "401")) << out.str();
  EXPECT_TRUE(has_line(out.str(), "[FAIL] REST token", "Reset Token")) << out.str();
}

TEST(doctor_test, message_content_not_enabled_is_diagnosed_as_4014) {
  testgw::gateway_options g;
  g.world.application_flags = 0;
  clinic c(g);
  auto o = c.options();
  o.intents = "GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT";
  std::ostringstream out;

  const int code = diagnose(o, out);

  EXPECT_EQ(code, static_cast<int>(exit_code::intents));
  EXPECT_TRUE(has_line(out.str(), "[FAIL] intents", "Message Content Intent")) << out.str();
  EXPECT_TRUE(has_line(out.str(), "[FAIL] identify", "4014")) << out.str();
}

TEST(doctor_test, message_content_enabled_passes_the_intents_check) {
  testgw::gateway_options g;
  g.world.application_flags =
      testgw::application_flags_for(gatehouse::core::message_content_intent);
  clinic c(g);
  auto o = c.options();
  o.intents = "GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT";
  std::ostringstream out;

  const int code = diagnose(o, out);

  EXPECT_EQ(code, 0) << out.str();
  EXPECT_TRUE(has_line(out.str(), "[ OK ] intents", "MESSAGE_CONTENT")) << out.str();
}

// Runs doctor against the test gateway with REST scripted to answer GET /applications/@me with
// `application`; returns the exit code, and the output in `out`.
int diagnose_with_application(const std::string& application, std::ostringstream& out) {
  clinic c;
  scripted_rest rest(c.gateway.gateway_url(), application);
  auto o = c.options();
  o.api_base = rest.server.base_url();
  return diagnose(o, out);
}

TEST(doctor_test, flags_new_that_is_not_a_number_fails_the_intents_check) {
  std::ostringstream out;

  const int code = diagnose_with_application(R"({"id":"1","flags_new":"abc","flags":0})", out);

  EXPECT_EQ(code, static_cast<int>(exit_code::failure)) << out.str();
  EXPECT_TRUE(has_line(out.str(), "[FAIL] intents", "flags_new")) << out.str();
}

TEST(doctor_test, an_application_body_that_is_not_json_fails_the_intents_check) {
  std::ostringstream out;

  const int code = diagnose_with_application("<html>", out);

  EXPECT_EQ(code, static_cast<int>(exit_code::failure)) << out.str();
  EXPECT_TRUE(has_line(out.str(), "[FAIL] intents", "/applications/@me")) << out.str();
}

TEST(doctor_test, a_missing_token_fails_first_without_connecting) {
  clinic c;
  auto o = c.options();
  o.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  std::ostringstream out;

  const int code = diagnose(o, out);

  EXPECT_EQ(code, static_cast<int>(exit_code::configuration));
  EXPECT_TRUE(has_line(out.str(), "[FAIL] token", "DISCORD_TOKEN")) << out.str();
  EXPECT_TRUE(c.gateway.report().at("connections").as_array().empty());
}

TEST(doctor_test, an_unreachable_api_base_is_diagnosed) {
  clinic c;
  auto o = c.options();
  o.api_base = "http://127.0.0.1:1/api/v10";
  std::ostringstream out;

  const int code = diagnose(o, out);

  EXPECT_EQ(code, static_cast<int>(exit_code::failure));
  EXPECT_TRUE(has_line(out.str(), "[FAIL] REST reachable", "--api-base")) << out.str();
}

TEST(doctor_test, the_token_is_never_printed) {
  clinic c;
  std::ostringstream out;

  diagnose(c.options(), out);

  EXPECT_EQ(out.str().find(token), std::string::npos);
}

}  // namespace
