// Tests for the one User-Agent of REST and the gateway handshake.
#include "transport/user_agent.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "transport/connection.hpp"

namespace gatehouse::transport {
namespace {

TEST(user_agent_test, has_the_form_discord_requires) {
  const std::regex form(R"(DiscordBot \(https://[^ ,]+, [0-9]+\.[0-9]+\.[0-9]+\))");

  EXPECT_TRUE(std::regex_match(std::string(default_user_agent), form)) << default_user_agent;
}

TEST(user_agent_test, gateway_connections_send_it_by_default) {
  EXPECT_EQ(connection_options{}.user_agent, default_user_agent);
}

}  // namespace
}  // namespace gatehouse::transport
