// The identify limits the test gateway enforces: one identify per concurrency bucket per
// window (§5.2) and the session-start budget that identifies use up and resumes do not (§5.3).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace gatehouse::testgw {

enum class identify_verdict {
  allowed,
  concurrency,  // the bucket identified less than a window ago: op 9 false (§5.2)
  budget,       // no session starts left: op 9 false (§5.3)
};

class identify_limits {
 public:
  using clock = std::chrono::steady_clock;

  // `budget_window` is reset_after at `start`; the budget refills to `total` each window.
  identify_limits(int max_concurrency, clock::duration window, int total, int remaining,
                  clock::duration budget_window, clock::time_point start);

  // Decides one identify of `shard_id` at `now`; an allowed one uses its bucket and one start.
  identify_verdict try_identify(std::uint32_t shard_id, clock::time_point now);

  void exhaust() { remaining_ = 0; }

  int total() const { return total_; }
  int remaining(clock::time_point now);
  clock::duration reset_after(clock::time_point now);
  int max_concurrency() const { return static_cast<int>(last_.size()); }

 private:
  void refill(clock::time_point now);

  std::vector<clock::time_point> last_;  // per bucket, the last allowed identify
  std::vector<bool> used_;
  clock::duration window_;
  int total_;
  int remaining_;
  clock::duration budget_window_;
  clock::time_point budget_reset_at_;
};

}  // namespace gatehouse::testgw
