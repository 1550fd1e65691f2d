#include "rest/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace gatehouse::rest {
namespace {

using core::milliseconds;
using core::seconds;

const core::time_point t0{std::chrono::hours(1)};

rate_limit_info headers(std::string bucket, std::uint32_t limit, std::uint32_t remaining,
                        core::duration reset_after) {
  rate_limit_info info;
  info.bucket = std::move(bucket);
  info.limit = limit;
  info.remaining = remaining;
  info.reset_after = reset_after;
  return info;
}

rate_limit_info too_many(core::duration retry_after, bool global,
                         limit_scope scope = limit_scope::user) {
  rate_limit_info info;
  info.retry_after = retry_after;
  info.global = global;
  info.scope = scope;
  return info;
}

TEST(rate_limiter_test, unknown_route_goes_at_once) {
  rate_limiter limiter;
  const permit p = limiter.try_acquire(make_route("GET", "/gateway/bot"), t0);
  EXPECT_EQ(p.verdict, verdict::go);
}

TEST(rate_limiter_test, learns_remaining_and_reset_from_headers) {
  rate_limiter limiter;
  const route r = make_route("GET", "/gateway/bot");
  ASSERT_EQ(limiter.try_acquire(r, t0).verdict, verdict::go);
  limiter.on_response(r, 200, headers("gw", 1, 0, milliseconds(1500)), t0);

  const permit p = limiter.try_acquire(r, t0 + seconds(1));
  EXPECT_EQ(p.verdict, verdict::wait);
  EXPECT_EQ(p.not_before, t0 + milliseconds(1500));
  EXPECT_EQ(limiter.bucket_of(r), "gw");
}

TEST(rate_limiter_test, reset_after_is_honoured) {
  rate_limiter limiter;
  const route r = make_route("GET", "/gateway/bot");
  limiter.on_response(r, 200, headers("gw", 1, 0, milliseconds(1500)), t0);

  EXPECT_EQ(limiter.try_acquire(r, t0 + milliseconds(1499)).verdict, verdict::wait);
  EXPECT_EQ(limiter.try_acquire(r, t0 + milliseconds(1500)).verdict, verdict::go);
}

TEST(rate_limiter_test, remaining_requests_go_until_spent) {
  rate_limiter limiter;
  const route r = make_route("GET", "/users/@me");
  limiter.on_response(r, 200, headers("me", 5, 2, seconds(5)), t0);

  EXPECT_EQ(limiter.try_acquire(r, t0).verdict, verdict::go);
  EXPECT_EQ(limiter.try_acquire(r, t0).verdict, verdict::go);
  EXPECT_EQ(limiter.try_acquire(r, t0).verdict, verdict::wait);
}

TEST(rate_limiter_test, routes_with_one_bucket_share_it) {
  rate_limiter limiter;
  const route send = make_route("POST", "/channels/1/messages");
  const route edit = make_route("PATCH", "/channels/1/messages/99");
  limiter.on_response(send, 200, headers("msg", 5, 3, seconds(5)), t0);
  limiter.on_response(edit, 200, headers("msg", 5, 0, seconds(4)), t0);

  // The edit spent the bucket the send route also belongs to.
  const permit p = limiter.try_acquire(send, t0 + seconds(1));
  EXPECT_EQ(p.verdict, verdict::wait);
  EXPECT_EQ(p.not_before, t0 + seconds(4));
}

TEST(rate_limiter_test, top_level_id_separates_buckets) {
  rate_limiter limiter;
  const route one = make_route("POST", "/channels/1/messages");
  const route two = make_route("POST", "/channels/2/messages");
  limiter.on_response(one, 200, headers("msg", 5, 0, seconds(5)), t0);
  limiter.on_response(two, 200, headers("msg", 5, 4, seconds(5)), t0);

  EXPECT_EQ(limiter.try_acquire(one, t0).verdict, verdict::wait);
  EXPECT_EQ(limiter.try_acquire(two, t0).verdict, verdict::go);
}

TEST(rate_limiter_test, bucket_429_blocks_only_its_bucket) {
  rate_limiter limiter;
  const route limited = make_route("POST", "/channels/1/messages");
  const route other = make_route("GET", "/users/@me");
  limiter.on_response(limited, 429, too_many(seconds(2), false), t0);

  const permit p = limiter.try_acquire(limited, t0 + seconds(1));
  EXPECT_EQ(p.verdict, verdict::wait);
  EXPECT_EQ(p.not_before, t0 + seconds(2));
  EXPECT_EQ(limiter.try_acquire(other, t0 + seconds(1)).verdict, verdict::go);
}

TEST(rate_limiter_test, global_429_blocks_every_route) {
  rate_limiter limiter;
  const route limited = make_route("POST", "/channels/1/messages");
  const route other = make_route("GET", "/users/@me");
  limiter.on_response(limited, 429, too_many(seconds(2), true, limit_scope::global), t0);

  const permit p = limiter.try_acquire(other, t0 + seconds(1));
  EXPECT_EQ(p.verdict, verdict::wait);
  EXPECT_EQ(p.not_before, t0 + seconds(2));
  EXPECT_EQ(limiter.try_acquire(other, t0 + seconds(2)).verdict, verdict::go);
}

TEST(rate_limiter_test, unauthorized_stops_every_route_for_good) {
  rate_limiter limiter;
  const route r = make_route("GET", "/gateway/bot");
  limiter.on_response(r, 401, {}, t0);

  EXPECT_TRUE(limiter.is_stopped());
  EXPECT_EQ(limiter.try_acquire(r, t0).verdict, verdict::stopped);
  EXPECT_EQ(
      limiter.try_acquire(make_route("GET", "/users/@me"), t0 + std::chrono::hours(24)).verdict,
      verdict::stopped);
}

TEST(rate_limiter_test, global_limit_allows_fifty_per_second) {
  rate_limiter limiter;
  for (int i = 0; i < 50; ++i) {
    const route r = make_route("GET", "/channels/" + std::to_string(i + 1));
    ASSERT_EQ(limiter.try_acquire(r, t0 + milliseconds(i)).verdict, verdict::go) << i;
  }

  const permit p = limiter.try_acquire(make_route("GET", "/channels/99"), t0 + milliseconds(60));
  EXPECT_EQ(p.verdict, verdict::wait);
  EXPECT_EQ(p.not_before, t0 + seconds(1));
}

TEST(rate_limiter_test, interaction_routes_are_exempt_from_the_global_limit) {
  rate_limiter limiter({.global_per_second = 1});
  ASSERT_EQ(limiter.try_acquire(make_route("GET", "/users/@me"), t0).verdict, verdict::go);

  const route callback = make_route("POST", "/interactions/123/tok/callback");
  EXPECT_EQ(limiter.try_acquire(callback, t0).verdict, verdict::go);
  EXPECT_EQ(limiter.try_acquire(make_route("GET", "/gateway"), t0).verdict, verdict::wait);
}

TEST(rate_limiter_test, counts_401_403_and_429_as_invalid) {
  rate_limiter limiter;
  const route r = make_route("POST", "/channels/1/messages");
  limiter.on_response(r, 403, {}, t0);
  limiter.on_response(r, 429, too_many(seconds(1), false), t0);
  limiter.on_response(r, 404, {}, t0);
  limiter.on_response(r, 200, {}, t0);

  EXPECT_EQ(limiter.invalid_requests(t0), 2u);
}

TEST(rate_limiter_test, shared_scope_429_is_not_invalid) {
  rate_limiter limiter;
  const route r = make_route("POST", "/channels/1/messages");
  limiter.on_response(r, 429, too_many(seconds(1), false, limit_scope::shared), t0);

  EXPECT_EQ(limiter.invalid_requests(t0), 0u);
}

TEST(rate_limiter_test, invalid_requests_expire_after_ten_minutes) {
  rate_limiter limiter;
  const route r = make_route("GET", "/channels/1");
  limiter.on_response(r, 403, {}, t0);

  EXPECT_EQ(limiter.invalid_requests(t0 + std::chrono::minutes(9)), 1u);
  EXPECT_EQ(limiter.invalid_requests(t0 + std::chrono::minutes(10)), 0u);
}

TEST(rate_limiter_test, spent_invalid_budget_holds_requests_back) {
  rate_limiter limiter({.invalid_request_budget = 2});
  const route r = make_route("GET", "/channels/1");
  limiter.on_response(r, 403, {}, t0);
  limiter.on_response(r, 403, {}, t0 + seconds(1));

  const permit p = limiter.try_acquire(make_route("GET", "/users/@me"), t0 + seconds(2));
  EXPECT_EQ(p.verdict, verdict::wait);
  EXPECT_EQ(p.not_before, t0 + std::chrono::minutes(10));
}

TEST(rate_limiter_test, idle_buckets_are_forgotten_above_the_bound) {
  rate_limiter limiter({.max_idle_buckets = 2});
  for (int channel = 1; channel <= 3; ++channel) {
    const route r = make_route("GET", "/channels/" + std::to_string(channel));
    limiter.on_response(r, 200, headers("c", 5, 4, seconds(1)), t0);
  }
  ASSERT_EQ(limiter.bucket_count(), 3u);

  // The next response after the resets finds three idle counters and drops them.
  const route busy = make_route("GET", "/channels/9");
  limiter.on_response(busy, 200, headers("c", 5, 0, seconds(5)), t0 + seconds(2));
  EXPECT_EQ(limiter.bucket_count(), 1u);
  EXPECT_EQ(limiter.try_acquire(busy, t0 + seconds(3)).verdict, verdict::wait);
}

}  // namespace
}  // namespace gatehouse::rest
