// The payloads the gateway itself writes, as JSON text in Discord's field order:
// {"t":...,"s":...,"op":...,"d":...} with t and s null outside dispatches (§2.1).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::testgw {

// op 0 with `d` already JSON text.
std::string dispatch_frame(std::string_view name, std::uint64_t seq, std::string_view d);

// op 10 with the heartbeat interval in milliseconds (§3.1).
std::string hello_frame(std::chrono::milliseconds interval);

// op 11, op 7, op 1 and op 9 with its boolean.
std::string_view heartbeat_ack_frame();
std::string_view reconnect_frame();
std::string_view heartbeat_request_frame();
std::string_view invalid_session_frame(bool resumable);

}  // namespace gatehouse::testgw
