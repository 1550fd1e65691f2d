// The close-code table: one row per code Discord documents, one action each (§4).
#include "core/close_code.hpp"

#include <algorithm>
#include <array>

#include "core/intents.hpp"

namespace gatehouse::core {
namespace {

using enum close_action;

// Reconnect? column of §4 decides fatal; "start a new session" wording decides new_session.
constexpr std::array<close_policy, 16> table{{
    {1000, "Normal closure", resume, "the gateway closed the connection normally", ""},
    {1001, "Going away", resume, "the gateway is going away", ""},
    {4000, "Unknown error", resume, "the gateway hit an unknown error", ""},
    {4001, "Unknown opcode", resume, "the gateway received an invalid opcode or payload", ""},
    {4002, "Decode error", resume, "the gateway could not decode a payload", ""},
    // §4: "the session is no longer valid" wording; a resume cannot work.
    {4003, "Not authenticated", new_session, "a payload was sent before identifying", ""},
    {4004, "Authentication failed", fatal, "the gateway rejected the bot token",
     "the token is wrong or was reset: copy a fresh one from the Developer Portal (Bot page), "
     "without a \"Bot \" prefix, quotes or spaces"},
    {4005, "Already authenticated", resume, "identify was sent twice on one connection", ""},
    {4007, "Invalid seq", new_session, "the gateway rejected the resume sequence", ""},
    {4008, "Rate limited", resume, "more than 120 payloads were sent in 60 seconds", ""},
    {4009, "Session timed out", new_session, "the session timed out", ""},
    {4010, "Invalid shard", fatal, "the gateway rejected the shard given in identify",
     "use a shard id below the shard count, and the count GET /gateway/bot recommends"},
    {4011, "Sharding required", fatal, "the bot is in too many guilds for this shard count",
     "raise the shard count to what GET /gateway/bot recommends (at most 2500 guilds a shard)"},
    {4012, "Invalid API version", fatal, "the gateway rejected the API version",
     "connect with v=10 (or 9) in the gateway URL"},
    {4013, "Invalid intent(s)", fatal, "the intents value is not a valid bitfield",
     "request only documented intents"},
    {4014, "Disallowed intent(s)", fatal, "a privileged intent was requested that is not enabled",
     "enable it in the Developer Portal under Bot > Privileged Gateway Intents, or stop "
     "requesting it"},
}};

constexpr close_policy unlisted{0, "Unlisted code", resume,
                                "the connection closed with a code the gateway does not document",
                                ""};

}  // namespace

const close_policy& policy_for(std::uint16_t code) {
  const auto* it =
      std::find_if(table.begin(), table.end(), [code](const auto& p) { return p.code == code; });
  return it == table.end() ? unlisted : *it;
}

std::string describe_fatal_close(std::uint16_t code, std::uint32_t requested_intents) {
  const close_policy& p = policy_for(code);
  std::string text = "gateway closed with " + std::to_string(code) + " (" + std::string(p.name) +
                     "): " + std::string(p.explanation);

  if (code == 4014) {
    const std::uint32_t privileged = requested_intents & privileged_intents;
    if (privileged != 0) {
      text += " (" + intent_names(privileged) + ")";
    }
    text += "; fix: enable " + (privileged != 0 ? intent_names(privileged) : "the intent") +
            " in the Developer Portal under Bot > Privileged Gateway Intents, or stop requesting "
            "it";
    return text;
  }

  if (code == 4013) {
    const std::uint32_t undefined = requested_intents & ~defined_intents;
    if (undefined != 0) {
      text += " (undefined bits " + intent_names(undefined) + ")";
    }
  }

  if (!p.fix.empty()) {
    text += "; fix: " + std::string(p.fix);
  }

  return text;
}

bool is_sendable_close_code(std::int64_t code) {
  // 1004 is reserved, and 1005, 1006 and 1015 only ever report a close that carried no code,
  // ended without a close frame or failed TLS; below 1000 is unused and above 4999 is not a
  // close code at all.
  const bool reserved = code == 1004 || code == 1005 || code == 1006 || code == 1015;
  return code >= 1000 && code <= 4999 && !reserved;
}

}  // namespace gatehouse::core
