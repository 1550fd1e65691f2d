// Test support: every log line of a test process is kept in memory, so that tests can look for
// a line and the suite can prove that no token ever reached a log.
#pragma once

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::testing {

class log_capture final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // The sink installed on the default logger for the whole process.
  static log_capture& instance();

  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  // True when some line logged since `from` (an index into lines()) contains `text`.
  bool contains(std::string_view text, std::size_t from = 0) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = from; i < lines_.size(); ++i) {
      if (lines_[i].find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  std::size_t size() {
    std::lock_guard lock(mutex_);
    return lines_.size();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    lines_.emplace_back(formatted.data(), formatted.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

// Registers a secret that must never appear in any log line of this process; checked when the
// test program ends.
void never_log(std::string secret);

}  // namespace gatehouse::testing
