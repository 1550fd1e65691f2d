// Tests for the shared --log-level option.
#include "cli/log_level.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::cli {
namespace {

// Parses `args` (after the program name) against a command with only --log-level.
bool parses(const std::vector<std::string>& args, std::string& level) {
  CLI::App app("test");
  add_log_level_option(app, level, "log level");
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError&) {
    return false;
  }
  return true;
}

TEST(log_level_test, every_spdlog_level_name_is_accepted_including_off) {
  for (const std::string name : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    std::string level = "info";
    EXPECT_TRUE(parses({"--log-level", name}, level)) << name;
    EXPECT_EQ(level, name);
  }
}

TEST(log_level_test, a_misspelt_level_is_a_usage_error) {
  std::string level = "info";

  EXPECT_FALSE(parses({"--log-level", "bogus"}, level));
  EXPECT_FALSE(parses({"--log-level", "warning"}, level));
  EXPECT_EQ(level, "info");
}

TEST(log_level_test, the_help_lists_the_names_and_the_default) {
  CLI::App app("test");
  std::string level = "off";
  const auto* option = add_log_level_option(app, level, "log level");

  const std::string help = app.help();
  EXPECT_NE(help.find("critical, off"), std::string::npos) << help;
  EXPECT_EQ(option->get_default_str(), "off");
}

}  // namespace
}  // namespace gatehouse::cli
