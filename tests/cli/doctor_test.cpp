// `gatehouse doctor` against the in-process test gateway over loopback.
#include "cli/doctor.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/output.hpp"
#include "testgw/server.hpp"

namespace {

using namespace std::chrono_literals;
using gatehouse::cli::diagnose;
using gatehouse::cli::doctor_options;
using gatehouse::cli::exit_code;
namespace testgw = gatehouse::testgw;

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
