// The typed answers of the REST calls gatehouse makes, and their parsers from JSON bodies
// (§1.2, §1.3, §9.2). Unknown fields are ignored; a missing required field is bad_response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::rest {

// GET /gateway (§1.2).
struct gateway_info {
  std::string url;
};

// GET /gateway/bot (§1.3).
struct session_start_limit {
  std::uint32_t total = 0;
  std::uint32_t remaining = 0;
  std::int64_t reset_after_ms = 0;    // milliseconds until the window resets
  std::uint32_t max_concurrency = 1;  // identifies per 5 seconds
};

struct gateway_bot_info {
  std::string url;
  std::uint32_t shards = 1;
  rest::session_start_limit session_start_limit;
};

// GET /users/@me (§9.2): the fields gatehouse uses.
struct current_user {
  std::string id;  // snowflake, as a string (§0)
  std::string username;
  std::string global_name;  // empty when null
  bool bot = false;
};

// POST /channels/{id}/messages (§9.2): enough to refer to the message afterwards.
struct created_message {
  std::string id;
  std::string channel_id;
};

gateway_info parse_gateway_info(std::string_view body, std::error_code& ec);
gateway_bot_info parse_gateway_bot_info(std::string_view body, std::error_code& ec);
current_user parse_current_user(std::string_view body, std::error_code& ec);
created_message parse_created_message(std::string_view body, std::error_code& ec);

}  // namespace gatehouse::rest
