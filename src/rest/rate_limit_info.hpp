// What one response says about rate limits: the X-RateLimit-* headers, Retry-After and the 429
// body, parsed into durations relative to the moment the response arrived (§9.3, §9.4).
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gatehouse::rest {

struct header_field {
  std::string_view name;  // compared without regard to case
  std::string_view value;
};

enum class limit_scope { none, user, global, shared };

struct rate_limit_info {
  std::optional<std::string> bucket;          // X-RateLimit-Bucket, opaque
  std::optional<std::uint32_t> limit;         // X-RateLimit-Limit
  std::optional<std::uint32_t> remaining;     // X-RateLimit-Remaining
  std::optional<core::duration> reset_after;  // X-RateLimit-Reset-After, or Reset minus now
  std::optional<core::duration> retry_after;  // the 429 body's retry_after, else Retry-After
  bool global = false;                        // X-RateLimit-Global or the body's "global"
  limit_scope scope = limit_scope::none;      // X-RateLimit-Scope
};

// Reads the rate-limit headers. `unix_now_seconds` converts an X-RateLimit-Reset epoch into a
// duration when Reset-After is absent; without it that header is ignored. Malformed values are
// ignored, as if absent.
rate_limit_info parse_rate_limit_headers(std::span<const header_field> headers,
                                         std::optional<double> unix_now_seconds = {});

// Adds what a 429 body says ({"retry_after": 64.57, "global": false}); the body's float wins over
// the whole seconds of Retry-After (§9.4). A body that is not JSON changes nothing.
void apply_429_body(rate_limit_info& info, std::string_view body);

}  // namespace gatehouse::rest
