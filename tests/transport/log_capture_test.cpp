// Tests that the log capture behind the suite-wide token scan sees every level.
#include "log_capture.hpp"

#include <gtest/gtest.h>

namespace gatehouse::testing {
namespace {

TEST(log_capture_test, trace_lines_are_captured) {
  const auto before = log_capture::instance().size();
  spdlog::trace("capture probe key={}", 42);

  EXPECT_TRUE(log_capture::instance().contains("capture probe key=42", before));
}

}  // namespace
}  // namespace gatehouse::testing
