// Test support: a connection listener that records what a connection reports.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "transport/connection.hpp"

namespace gatehouse::transport::testing {

struct recorder final : connection_listener {
  void on_open() override { ++opened; }
  void on_message(std::string_view text, std::size_t padding) override {
    messages.emplace_back(text);
    min_padding = std::min(min_padding, padding);
  }
  void on_close(std::uint16_t code, std::string_view) override {
    ++closed;
    close_code = code;
  }
  void on_error(std::error_code ec) override { errors.push_back(ec); }

  int opened = 0;
  int closed = 0;
  std::uint16_t close_code = 0;
  std::vector<std::string> messages;
  std::vector<std::error_code> errors;
  std::size_t min_padding = SIZE_MAX;
};

}  // namespace gatehouse::transport::testing
