// Builders for every payload the client sends (gateway-spec.md §2.2, §3.2,
// §3.3, §3.6): each returns one JSON text frame. Strings are escaped here;
// nothing else writes JSON by hand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/opcode.hpp"

namespace gatehouse::core {

// The largest payload the gateway accepts; a larger
// one closes the connection with 4002 (§5.4).
inline constexpr std::size_t max_payload_size = 4096;

// Appends `s` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

// True when `text` is exactly one JSON value.
bool is_json_value(std::string_view text);

// {"op":1,"d":<sequence or null>} (§3.2).
std::string heartbeat_payload(std::optional<std::uint64_t> sequence);

struct identify_params {
  std::string_view token;  // bare, never "Bot ..."
  std::uint32_t intents = 0;
  std::string_view os;
  std::string_view browser;
  std::string_view device;
  std::optional<std::uint32_t> shard_id;  // with shard_count: `shard` is sent
  std::uint32_t shard_count = 1;
  int large_threshold = 50;
  std::string_view presence;  // the raw JSON of an initial presence, empty for none
};

// Op 2 with compress=false (§3.3). Fails with error::invalid_payload when the
// presence is not one JSON value.
std::string identify_payload(const identify_params& p, std::error_code& ec);

// Op 6 (§3.6).
std::string resume_payload(std::string_view token, std::string_view session_id,
                           std::uint64_t sequence);

// An application command {"op":op,"d":data}. Fails, building nothing, with
// error::reserved_opcode for heartbeat, identify and resume,
// error::receive_only_opcode for any other opcode that is not a command (§2.2,
// G26), error::invalid_payload when `data` is not one JSON value, and
// error::payload_too_large beyond max_payload_size (§5.4).
std::string command_payload(opcode op, std::string_view data, std::error_code& ec);

// The `d` of the commands, for callers that do not write JSON themselves.

struct activity {
  std::string name;
  int type = 0;       // 0 playing ... 5 competing
  std::string state;  // custom status text (type 4); empty: not sent
  std::string url;    // streaming URL (type 1); empty: not sent
};

struct presence_update {
  std::optional<std::uint64_t> since;  // ms since epoch when idle, or none
  std::vector<activity> activities;
  std::string status = "online";  // online, dnd, idle, invisible, offline
  bool afk = false;
};

std::string presence_data(const presence_update& p);

struct voice_state_update {
  std::string guild_id;
  std::string channel_id;  // empty: leave voice (null)
  bool self_mute = false;
  bool self_deaf = false;
};

std::string voice_state_data(const voice_state_update& v);

struct guild_members_request {
  std::string guild_id;
  std::string query;  // used when user_ids is empty; "" with limit 0 asks for everyone
  std::uint32_t limit = 0;
  bool presences = false;
  std::vector<std::string> user_ids;
  std::string nonce;  // empty: not sent
};

std::string guild_members_request_data(const guild_members_request& r);

}  // namespace gatehouse::core
