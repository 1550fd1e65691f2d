// Discord's REST rate limits as pure arithmetic: buckets learnt from response headers and keyed
// on (bucket id, top-level resource), the global limit, the invalid-request budget and the stop
// after a rejected token (§9.3-§9.6). It never reads a clock: every call takes `now`.
//
// Calling order, per request: try_acquire(route, now) until it answers `go` (waiting until
// `not_before` in between), send, then on_response(route, status, info, now) with what the
// response said. A request that failed before any response needs no call.
#pragma once

#include "core/time.hpp"
#include "rest/bucket.hpp"
#include "rest/global_limit.hpp"
#include "rest/rate_limit_info.hpp"
#include "rest/route.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

namespace gatehouse::rest {

struct limiter_options {
  std::uint32_t global_per_second = 50;  // §9.5
  // Invalid requests (401, 403, 429 except scope shared) allowed per ten minutes before the
  // limiter holds requests back; Cloudflare bans an IP at 10,000 (§9.5).
  std::uint32_t invalid_request_budget = 9'000;
  // Above this many (bucket, resource) counters, idle ones are forgotten, so a bot that
  // touches many channels does not grow without bound.
  std::size_t max_idle_buckets = 4096;
};

enum class verdict {
  go,       // send now; one request was counted
  wait,     // try again at not_before
  stopped,  // the token was rejected with 401; never send again (§9.6)
};

struct permit {
  rest::verdict verdict = verdict::go;
  core::time_point not_before{};  // meaningful for wait
};

class rate_limiter {
 public:
  explicit rate_limiter(limiter_options options = {});

  // Answers whether a request on `r` may go at `now`; a `go` counts it against its bucket and
  // the global limit.
  permit try_acquire(const route& r, core::time_point now);

  // Learns from one response to a request on `r` that arrived at `now`.
  void on_response(const route& r, unsigned status, const rate_limit_info& info,
                   core::time_point now);

  bool is_stopped() const { return stopped_; }

  // Invalid requests counted in the ten minutes before `now`.
  std::size_t invalid_requests(core::time_point now);

  // (bucket, top-level resource) counters held.
  std::size_t bucket_count() const { return buckets_.size(); }

  // The bucket id learnt for `r`, empty while unknown.
  std::string bucket_of(const route& r) const;

 private:
  using bucket_key = std::pair<std::string, std::string>;  // (bucket id, top-level resource)

  bucket& bucket_for(const route& r);
  void forget_invalid_before(core::time_point now);
  void forget_idle_buckets(core::time_point now);

  limiter_options options_;
  std::unordered_map<std::string, std::string> bucket_of_route_;  // route key -> bucket id
  std::map<bucket_key, bucket> buckets_;
  global_limit global_;
  std::deque<core::time_point> invalid_;  // times of invalid responses, oldest first
  bool stopped_ = false;
};

}  // namespace gatehouse::rest
