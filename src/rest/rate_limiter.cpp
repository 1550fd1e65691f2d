// The REST rate limiter: buckets, global limit, invalid requests (§9.3-§9.6).
#include "rest/rate_limiter.hpp"

#include <algorithm>
#include <chrono>

namespace gatehouse::rest {
namespace {

constexpr auto invalid_window = std::chrono::minutes(10);  // §9.5

// Without any hint, a 429 holds its bucket for a second.
constexpr auto default_retry_after = core::seconds(1);

}  // namespace

rate_limiter::rate_limiter(limiter_options options)
    : options_(options), global_(options.global_per_second) {}

permit rate_limiter::try_acquire(const route& r, core::time_point now) {
  // A rejected token stays rejected; every further request only adds to the ban count (§9.5).
  if (stopped_) {
    return {verdict::stopped, now};
  }

  bucket& b = bucket_for(r);
  core::time_point at = b.available_at(now);

  // Interaction routes are outside the global limit (§9.5).
  if (!r.is_interaction) {
    at = std::max(at, global_.available_at(now));
  }

  // Hold back rather than risk the Cloudflare ban for invalid requests (§9.5).
  forget_invalid_before(now);
  if (invalid_.size() >= options_.invalid_request_budget) {
    at = std::max(at, invalid_.front() + invalid_window);
  }

  if (at > now) {
    return {verdict::wait, at};
  }
  b.take(now);
  if (!r.is_interaction) {
    global_.take(now);
  }
  return {verdict::go, now};
}

void rate_limiter::on_response(const route& r, unsigned status, const rate_limit_info& info,
                               core::time_point now) {
  // Routes share buckets; the header names the one this route belongs to (§9.3).
  if (info.bucket) {
    bucket_of_route_[r.key] = *info.bucket;
  }
  bucket& b = bucket_for(r);
  b.update(info.limit, info.remaining, info.reset_after, now);

  // A 401 means the token is bad: stop everything (§9.6).
  if (status == 401) {
    stopped_ = true;
  }

  // 401, 403 and 429 count against the invalid-request limit, a shared 429 excepted (§9.5).
  const bool shared_429 = status == 429 && info.scope == limit_scope::shared;
  if ((status == 401 || status == 403 || status == 429) && !shared_429) {
    invalid_.push_back(now);
  }

  if (buckets_.size() > options_.max_idle_buckets) {
    forget_idle_buckets(now);
  }
  if (status != 429) {
    return;
  }

  // A 429 blocks its bucket, or everything when it was the global limit (§9.4).
  const core::duration wait =
      info.retry_after.value_or(info.reset_after.value_or(default_retry_after));
  if (info.global && !r.is_interaction) {
    global_.block_until(now + wait);
  } else {
    b.block_until(now + wait);
  }
}

std::size_t rate_limiter::invalid_requests(core::time_point now) {
  forget_invalid_before(now);
  return invalid_.size();
}

std::string rate_limiter::bucket_of(const route& r) const {
  const auto it = bucket_of_route_.find(r.key);
  return it == bucket_of_route_.end() ? std::string{} : it->second;
}

bucket& rate_limiter::bucket_for(const route& r) {
  // Until a response names the bucket, the route key stands in for it.
  const auto it = bucket_of_route_.find(r.key);
  const std::string& id = it == bucket_of_route_.end() ? r.key : it->second;
  return buckets_[{id, r.major}];
}

void rate_limiter::forget_idle_buckets(core::time_point now) {
  std::erase_if(buckets_, [&](const auto& entry) { return entry.second.is_idle(now); });
}

void rate_limiter::forget_invalid_before(core::time_point now) {
  while (!invalid_.empty() && invalid_.front() + invalid_window <= now) {
    invalid_.pop_front();
  }
}

}  // namespace gatehouse::rest
