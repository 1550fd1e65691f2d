// Gateway intents: names, bits, which are privileged, and parsing from text (gateway-spec.md §7).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::core {

struct intent_info {
  std::string_view name;  // Discord's name, upper case: "MESSAGE_CONTENT"
  std::uint32_t bit;      // the value, 1 << n
  bool privileged;        // must be enabled in the Developer Portal before use (§7.4)
};

// Every documented intent, in bit order.
std::span<const intent_info> all_intents();

inline constexpr std::uint32_t guilds_intent = 1u << 0;
inline constexpr std::uint32_t guild_members_intent = 1u << 1;
inline constexpr std::uint32_t guild_presences_intent = 1u << 8;
inline constexpr std::uint32_t guild_messages_intent = 1u << 9;
inline constexpr std::uint32_t direct_messages_intent = 1u << 12;
inline constexpr std::uint32_t message_content_intent = 1u << 15;

// All documented bits, 0x331FFFF (§7.1); anything else brings 4013.
inline constexpr std::uint32_t defined_intents = 0x331FFFFu;
// GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT (§7.4); not enabled brings 4014.
inline constexpr std::uint32_t privileged_intents =
    guild_members_intent | guild_presences_intent | message_content_intent;

// Parses "GUILDS,GUILD_MESSAGES|MESSAGE_CONTENT" (names case-insensitive, separated by commas,
// '|' or spaces; the former names GUILD_BANS and GUILD_EMOJIS_AND_STICKERS accepted) or a
// decimal number. Fails with error::unknown_intent (the name is stored in `unknown_name` when
// given; nothing is stored for an empty name between separators, or empty text),
// error::undefined_intent_bits, or std::errc::result_out_of_range for a number a uint32 cannot
// hold.
std::uint32_t parse_intents(std::string_view text, std::error_code& ec,
                            std::string* unknown_name = nullptr);

// "GUILDS|MESSAGE_CONTENT"; bits without a name are shown as "1<<30".
std::string intent_names(std::uint32_t mask);

// The comma-separated list of valid names, privileged ones marked, for error messages.
std::string valid_intent_names();

}  // namespace gatehouse::core
