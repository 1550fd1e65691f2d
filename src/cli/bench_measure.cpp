// Process measurements from getrusage, /proc and setrlimit, and latency percentiles.
#include "cli/bench_measure.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace gatehouse::cli {

namespace {

double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);

  return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

std::uint64_t peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);

  return static_cast<std::uint64_t>(usage.ru_maxrss);  // KiB on Linux
}

std::optional<std::uint64_t> parse_vm_rss_kib(std::string_view proc_status) {
  constexpr std::string_view key = "VmRSS:";
  std::size_t at = proc_status.find(key);
  while (at != std::string_view::npos && at != 0 && proc_status[at - 1] != '\n') {
    at = proc_status.find(key, at + 1);
  }
  if (at == std::string_view::npos) {
    return std::nullopt;
  }

  // "VmRSS:\t   12345 kB"
  std::string_view rest = proc_status.substr(at + key.size());
  rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
  std::uint64_t kib = 0;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), kib);
  if (error != std::errc{} ||
      !std::string_view(end, rest.data() + rest.size()).starts_with(" kB")) {
    return std::nullopt;
  }

  return kib;
}

std::uint64_t current_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::stringstream text;
  text << in.rdbuf();

  return parse_vm_rss_kib(text.str()).value_or(0);
}

std::uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return 0;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    }
  }

  return static_cast<std::uint64_t>(limit.rlim_cur);
}

double percentile(std::span<const double> sorted, double p) {
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(rank));
  const auto above = std::min(below + 1, sorted.size() - 1);
  const double fraction = rank - static_cast<double>(below);

  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

latency_summary summarize(std::vector<double> samples) {
  if (samples.empty()) {
    return {};
  }
  std::sort(samples.begin(), samples.end());

  return {
      .count = samples.size(),
      .median = percentile(samples, 50),
      .p90 = percentile(samples, 90),
      .p99 = percentile(samples, 99),
      .max = samples.back(),
  };
}

}  // namespace gatehouse::cli
