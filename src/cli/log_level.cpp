// The shared --log-level option.
#include "cli/log_level.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
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

void start_stderr_log(const std::string& name, const std::string& level) {
  spdlog::set_default_logger(spdlog::stderr_color_mt(name));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ [%n] %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace gatehouse::cli
