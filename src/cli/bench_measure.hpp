// What the measuring programs read from their own process (CPU seconds, resident memory, the
// open-file limit) and how they summarise latencies.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace gatehouse::cli {

// User plus system CPU seconds of this process so far (getrusage).
double cpu_seconds();

// The largest resident set this process has had, in KiB (getrusage's ru_maxrss).
std::uint64_t peak_rss_kib();

// VmRSS in KiB from the text of /proc/<pid>/status; nothing when the line is absent or bad.
std::optional<std::uint64_t> parse_vm_rss_kib(std::string_view proc_status);

// This process's resident set now, in KiB; 0 when /proc/self/status cannot be read.
std::uint64_t current_rss_kib();

// Raises the soft limit of open files to the hard limit; returns the soft limit now in force.
std::uint64_t raise_open_file_limit();

// The p-th percentile (0 <= p <= 100) of `sorted` (ascending, not empty), interpolating
// linearly between the two closest ranks, so that p = 50 is the usual median.
double percentile(std::span<const double> sorted, double p);

struct latency_summary {
  std::size_t count = 0;
  double median = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
};

// The summary of `samples` in their own unit; all zero when there are none.
latency_summary summarize(std::vector<double> samples);

}  // namespace gatehouse::cli
