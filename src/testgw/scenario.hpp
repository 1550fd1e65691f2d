// A scenario file: the test gateway's options, its traffic and a timed list of faults, read
// from JSON so that a bot author can stage a failure without writing code.
#pragma once

#include "testgw/fault.hpp"
#include "testgw/server.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::testgw {

// What a scenario file describes. Every section is optional; what it leaves out keeps the
// defaults of gateway_options.
//
//   {
//     "gateway": {"port": 0, "resume_port": 0, "token": "...", "heartbeat_interval_ms": 1000,
//                 "heartbeat_grace_ms": 500, "identify_window_ms": 5000, "max_concurrency": 1,
//                 "send_limit": 120, "send_window_ms": 60000, "session_window_ms": 180000,
//                 "session_starts": {"total": 1000, "remaining": 1000, "reset_after_ms": 1},
//                 "refuse_resume_with": "close_code" | "invalid_session",
//                 "recommended_shards": 1, "max_payload": 4096, "replay_limit": 10000,
//                 "tls": {"enabled": true, "cert_file": "", "key_file": ""}},
//     "world": {"application_id": "1100...", "application_name": "bot",
//               "application_flags": 0 | "privileged_intents": ["MESSAGE_CONTENT"],
//               "guilds": 3, "channels_per_guild": 3, "users": 20, "members_per_guild": 8,
//               "dm_channels": 2, "max_guilds_per_shard": 2500, "seed": 1},
//     "rest": {"global_per_second": 50, "default_limit": {"limit": 5, "window_ms": 5000},
//              "limits": {"POST /channels/{id}/messages": {"limit": 5, "window_ms": 5000}}},
//     "traffic": {"seed": 1, "events_per_second": 50, "count": 0, "pool_size": 4096,
//                 "large_guild_members": 250,
//                 "mix": {"small_message": 55, "large_message": 10, "typing": 20,
//                         "presence": 13, "guild_create": 2}},
//     "faults": [{"kind": "reconnect", "at_ms": 2000}, ...]   (fault.hpp's format)
//   }
//
// Unknown fields are errors, so that a misspelt option fails loudly instead of being ignored.
struct scenario {
  gateway_options gateway;
  std::optional<traffic_run> traffic;  // present when the file has a "traffic" section
  std::vector<fault> faults;           // in file order; the gateway schedules them by `at`
};

// Parses scenario text. On failure returns nullopt and `what` says which field is wrong, as
// "world.guilds: expected a non-negative integer".
std::optional<scenario> parse_scenario(std::string_view text, std::string& what);

// Parses a scenario's "traffic" section, which is also the body of POST /control/traffic.
// On failure returns nullopt and `what` names the field, as "traffic.count: expected ...".
std::optional<traffic_run> parse_traffic(const boost::json::value& json, std::string& what);

// Reads and parses a file; a file that cannot be read fails with `what` naming it.
std::optional<scenario> load_scenario(const std::string& path, std::string& what);

}  // namespace gatehouse::testgw
