// The measuring programs' process readings and latency percentiles.
#include "cli/bench_measure.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <vector>

namespace gatehouse::cli {
namespace {

TEST(bench_measure_test, median_of_an_even_count_is_between_the_middle_two) {
  const std::vector<double> sorted{1, 2, 3, 4};

  EXPECT_DOUBLE_EQ(percentile(sorted, 50), 2.5);
}

TEST(bench_measure_test, extreme_percentiles_are_the_smallest_and_largest) {
  const std::vector<double> sorted{3, 5, 8};

  EXPECT_DOUBLE_EQ(percentile(sorted, 0), 3);
  EXPECT_DOUBLE_EQ(percentile(sorted, 100), 8);
}

TEST(bench_measure_test, p99_interpolates_between_ranks) {
  std::vector<double> sorted;
  for (int i = 1; i <= 100; ++i) {
    sorted.push_back(i);
  }

  EXPECT_DOUBLE_EQ(percentile(sorted, 99), 99.01);
  EXPECT_DOUBLE_EQ(percentile(sorted, 90), 90.1);
}

TEST(bench_measure_test, one_sample_is_every_percentile) {
  const std::vector<double> sorted{7};

  EXPECT_DOUBLE_EQ(percentile(sorted, 50), 7);
  EXPECT_DOUBLE_EQ(percentile(sorted, 99), 7);
}

TEST(bench_measure_test, summary_sorts_the_samples_first) {
  const auto s = summarize({9, 1, 5});

  EXPECT_EQ(s.count, 3u);
  EXPECT_DOUBLE_EQ(s.median, 5);
  EXPECT_DOUBLE_EQ(s.max, 9);
}

TEST(bench_measure_test, summary_of_no_samples_is_zero) {
  const auto s = summarize({});

  EXPECT_EQ(s.count, 0u);
  EXPECT_DOUBLE_EQ(s.median, 0);
  EXPECT_DOUBLE_EQ(s.p99, 0);
}

TEST(bench_measure_test, vm_rss_is_read_from_its_own_line) {
  const auto status = "Name:\tgatehouse\nVmHWM:\t  900 kB\nVmRSS:\t   12345 kB\nRssAnon:\t 1 kB\n";

  EXPECT_EQ(parse_vm_rss_kib(status), 12345u);
}

TEST(bench_measure_test, vm_rss_inside_another_line_is_not_taken) {
  EXPECT_EQ(parse_vm_rss_kib("Name:\tVmRSS: 5 kB\nVmRSS:\t7 kB\n"), 7u);
}

TEST(bench_measure_test, vm_rss_absent_or_malformed_gives_nothing) {
  EXPECT_FALSE(parse_vm_rss_kib("Name:\tx\nVmHWM:\t9 kB\n"));
  EXPECT_FALSE(parse_vm_rss_kib("VmRSS:\tmany kB\n"));
  EXPECT_FALSE(parse_vm_rss_kib("VmRSS:\t12 pages\n"));
}

TEST(bench_measure_test, this_process_has_a_resident_set) {
  EXPECT_GT(current_rss_kib(), 0u);
}

TEST(bench_measure_test, open_file_limit_is_raised_to_the_hard_limit) {
  const auto now = raise_open_file_limit();

  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(now, limit.rlim_cur);
  EXPECT_EQ(limit.rlim_cur, limit.rlim_max);
}

}  // namespace
}  // namespace gatehouse::cli
