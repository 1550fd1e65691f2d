// The test gateway's REST subset under /api/v10 as a pure function of request and time: the
// exact bot-token check, Discord's rate-limit headers and 429 bodies, and injected faults.
#pragma once

#include "testgw/world.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::testgw {

struct rest_request {
  std::string method;         // "GET"
  std::string target;         // "/api/v10/gateway/bot?x=1", as on the request line
  std::string authorization;  // the Authorization header's value, empty when absent
  std::string content_type;
  std::string body;
};

struct rest_response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/Length
  std::string body;                                          // JSON, or empty for 204
};

// What GET /gateway/bot reports; the gateway owns the live values (§1.3).
struct gateway_bot_info {
  std::string url;  // "ws://127.0.0.1:PORT"
  std::uint32_t shards = 1;
  std::uint32_t total = 1000;
  std::uint32_t remaining = 1000;
  std::int64_t reset_after_ms = 86'400'000;
  std::uint32_t max_concurrency = 1;
};

// A route's bucket: `limit` requests per `window`, per top-level resource (§9.3).
struct route_limit {
  std::uint32_t limit = 5;
  std::chrono::milliseconds window{5000};
};

struct rest_options {
  std::string token;  // the bare bot token; requests must carry exactly "Bot " + token (§9.1)
  route_limit default_limit{};                // every route without its own entry
  std::map<std::string, route_limit> limits;  // by route key, "POST /channels/{id}/messages"
  std::uint32_t global_per_second = 50;       // §9.5; interaction callbacks are exempt
};

// A fault for the next `count` requests matching a route key ("GET /gateway/bot"), or every
// route when the key is empty: a 429 (with retry_after and global) or any other status (5xx).
struct rest_fault {
  std::string route;
  unsigned status = 429;
  std::uint32_t count = 1;
  double retry_after = 1.0;  // seconds, for 429s
  bool global = false;       // for 429s
};

// Pure request → response. Not thread-safe: the gateway calls it from one strand.
class rest_routes {
 public:
  using clock = std::chrono::steady_clock;
  using wall_clock = std::chrono::system_clock;

  rest_routes(const world& w, rest_options options);

  // Called for GET /gateway/bot; must return the gateway's current values.
  void on_gateway_bot(std::function<gateway_bot_info()> provider);

  // Called after POST /channels/{id}/messages succeeded, with the MESSAGE_CREATE to dispatch
  // to the sessions that should see it.
  void on_message_created(std::function<void(const world_event&)> hook);

  // Queues a fault; faults for the same route apply in the order they were injected.
  void inject(rest_fault fault);

  // Answers one request at steady time `now`; `wall` gives X-RateLimit-Reset (epoch seconds).
  rest_response handle(const rest_request& request, clock::time_point now,
                       wall_clock::time_point wall);

  // The route key of a target: "POST /channels/{id}/messages" for a POST to a channel, or
  // nullopt outside /api/v10 or for an unknown route.
  static std::optional<std::string> route_key(std::string_view method, std::string_view target);

  // Requests answered, and how many of them with 401 and 429 (the invalid ones, §9.5).
  std::uint64_t requests() const { return requests_; }
  std::uint64_t unauthorized() const { return unauthorized_; }
  std::uint64_t rate_limited() const { return rate_limited_; }

 private:
  struct bucket {
    std::uint32_t remaining = 0;
    clock::time_point reset_at{};
  };

  rest_response answer(const rest_request& request, std::string_view route, std::string_view path);
  rest_response post_message(std::string_view channel_id, const rest_request& request);
  rest_response put_commands(std::string_view application_id, const rest_request& request);
  rest_response gateway_bot() const;
  snowflake mint_id();  // an id for the request's wall time, like Discord's (§0)

  const world& world_;
  rest_options options_;
  std::function<gateway_bot_info()> gateway_bot_;
  std::function<void(const world_event&)> message_hook_;
  std::vector<rest_fault> faults_;
  std::map<std::string, bucket> buckets_;  // by route key and top-level id
  std::uint32_t global_used_ = 0;
  clock::time_point global_reset_at_{};
  wall_clock::time_point wall_{};  // the wall time of the request being answered
  std::uint64_t next_id_ = 0;
  std::uint64_t requests_ = 0;
  std::uint64_t unauthorized_ = 0;
  std::uint64_t rate_limited_ = 0;
};

}  // namespace gatehouse::testgw
