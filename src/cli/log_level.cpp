// The shared --log-level option.
#include "cli/log_level.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace gatehouse::cli {

namespace {

const std::vector<std::string>& level_names() {
  static const std::vector<std::string> names = {"trace", "debug",    "info", "warn",
                                                 "error", "critical", "off"};
  return names;
}

}  // namespace

CLI::Option* add_log_level_option(CLI::App& cmd, std::string& level, const std::string& what) {
  std::string help = what + ": ";
  for (const auto& name : level_names()) {
    help += name;
    help += name == level_names().back() ? "" : ", ";
  }
  return cmd.add_option("--log-level", level, help)
      ->check(CLI::IsMember(level_names()))
      ->capture_default_str();
}

void apply_log_level(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace gatehouse::cli
