// The User-Agent every request of ours carries, REST and gateway handshake alike.
#pragma once

#include <string_view>

namespace gatehouse::transport {

// "DiscordBot ($url, $versionNumber)", the form Discord requires of bots (gateway-spec.md §9.1).
extern const std::string_view default_user_agent;

}  // namespace gatehouse::transport
