// Installs the log capture for the test process and, when the process's tests are done, fails
// if any line ever logged contains a registered secret (issue text: the token is never logged).
#include "log_capture.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace gatehouse::testing {

namespace {

std::vector<std::string>& secrets() {
  static std::vector<std::string> all{"test-token-not-real"};
  return all;
}

class token_scan final : public ::testing::Environment {
 public:
  void SetUp() override {
    // Every level, so that a token in a debug line is caught too.
    auto logger = std::make_shared<spdlog::logger>("test", log_sink());
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }

  void TearDown() override {
    for (const auto& line : log_capture::instance().lines()) {
      for (const auto& secret : secrets()) {
        EXPECT_EQ(line.find(secret), std::string::npos) << "a log line contains a token";
      }
    }
  }

 private:
  static std::shared_ptr<log_capture> log_sink() {
    static const std::shared_ptr<log_capture> sink(&log_capture::instance(), [](auto*) {});
    return sink;
  }
};

[[maybe_unused]] auto* const registered = ::testing::AddGlobalTestEnvironment(new token_scan);

}  // namespace

log_capture& log_capture::instance() {
  static log_capture sink;
  return sink;
}

void never_log(std::string secret) {
  secrets().push_back(std::move(secret));
}

}  // namespace gatehouse::testing
