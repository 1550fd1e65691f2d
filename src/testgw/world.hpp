// The test gateway's world: the application, its bot user, guilds, channels, members and users,
// rendered with Discord's payload shapes, plus the rules that decide who sees which event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::testgw {

// A Discord id. JSON carries it as a string (gateway-spec.md §0).
using snowflake = std::uint64_t;

// An id written in decimal digits only, as Discord writes them; nullopt for anything else,
// including a sign or a value beyond 64 bits.
std::optional<snowflake> parse_snowflake(std::string_view text);

// Application flags that show a privileged intent as enabled (§7.5). Either the full flag or
// its _LIMITED twin enables the intent.
inline constexpr std::uint32_t gateway_presence_flag = 1u << 12;
inline constexpr std::uint32_t gateway_presence_limited_flag = 1u << 13;
inline constexpr std::uint32_t gateway_guild_members_flag = 1u << 14;
inline constexpr std::uint32_t gateway_guild_members_limited_flag = 1u << 15;
inline constexpr std::uint32_t gateway_message_content_flag = 1u << 18;
inline constexpr std::uint32_t gateway_message_content_limited_flag = 1u << 19;

// The _LIMITED flags of all three privileged intents: a small bot that switched them all on.
inline constexpr std::uint32_t all_privileged_limited_flags = gateway_presence_limited_flag |
                                                              gateway_guild_members_limited_flag |
                                                              gateway_message_content_limited_flag;

// The _LIMITED application flags that enable the given privileged intents (the bits of
// GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT; other bits are ignored).
std::uint32_t application_flags_for(std::uint32_t privileged_intents);

struct user_info {
  snowflake id = 0;
  std::string username;
  std::string global_name;  // empty renders as null
  bool bot = false;
};

struct channel_info {
  snowflake id = 0;
  snowflake guild_id = 0;      // 0 for a DM channel
  int type = 0;                // 0 GUILD_TEXT, 1 DM, 2 GUILD_VOICE, 4 GUILD_CATEGORY (§11)
  std::string name;            // empty for a DM
  snowflake recipient_id = 0;  // the other user of a DM
};

struct guild_info {
  snowflake id = 0;
  std::string name;
  snowflake owner_id = 0;
  std::vector<channel_info> channels;
  std::vector<snowflake> member_ids;  // includes the bot
};

struct application_info {
  snowflake id = 0;  // also the bot user's id
  std::string name;
  std::uint32_t flags = 0;  // application flags (§7.5)
};

struct world_options {
  snowflake application_id = 1'100'000'000'000'000'001ull;
  std::string application_name = "gatehouse-test";
  std::uint32_t application_flags = all_privileged_limited_flags;
  std::size_t guild_count = 3;
  std::size_t channels_per_guild = 3;  // text channels; each guild also gets one voice channel
  std::size_t users = 20;              // human users; each guild gets members_per_guild of them
  std::size_t members_per_guild = 8;
  std::size_t dm_channels = 2;  // DMs between the bot and the first users
  // More guilds than this on one shard closes an identify with 4011 (§6: Discord's is 2500).
  std::size_t max_guilds_per_shard = 2500;
  std::uint64_t seed = 1;  // same seed, same world
};

// One event the world produced, ready for routing: the gateway assigns the sequence and frames
// it as {"t":name,"s":seq,"op":0,"d":d}.
struct world_event {
  std::string name;                   // "MESSAGE_CREATE"
  snowflake guild_id = 0;             // 0 when no guild: such events go to shard 0 only (§6)
  std::uint32_t required_intent = 0;  // the intent bit that gates it; 0 = always sent (§7.3)
  std::string d;  // the `d` as JSON text, as a session with every intent sees it
  // The `d` for a session without MESSAGE_CONTENT (content, embeds, attachments, components
  // emptied, poll left out, §7.4); empty when the event has no content to hide.
  std::string d_without_content;
  // The `d` for a session without GUILD_PRESENCES, whose member lists hold only the bot and
  // no presences (§7.2); empty when the event lists no members.
  std::string d_without_presences;
};

// The shard a guild's events go to: (guild_id >> 22) % num_shards; no guild goes to 0 (§6).
constexpr std::uint32_t shard_for(snowflake guild_id, std::uint32_t num_shards) {
  if (guild_id == 0 || num_shards == 0) {
    return 0;
  }
  return static_cast<std::uint32_t>((guild_id >> 22) % num_shards);
}

// The session on [shard_id, num_shards] with `intents` receives this event.
bool is_delivered(const world_event& event, std::uint32_t shard_id, std::uint32_t num_shards,
                  std::uint32_t intents);

// The `d` that session sees: without MESSAGE_CONTENT the emptied form (§7.4), without
// GUILD_PRESENCES the form without other members (§7.2).
const std::string& payload_for(const world_event& event, std::uint32_t intents);

// What READY needs from the gateway beyond the world itself.
struct ready_info {
  std::string session_id;
  std::string resume_gateway_url;         // exactly as clients must use it (§3.4)
  std::optional<std::uint32_t> shard_id;  // present when identify sent `shard`
  std::uint32_t num_shards = 1;
};

// The world: built once from options, deterministically, then read-only; const calls may run
// on several threads at once.
class world {
 public:
  explicit world(world_options options = {});

  const world_options& options() const { return options_; }
  const application_info& application() const { return application_; }
  const user_info& bot() const { return users_.front(); }
  std::span<const user_info> users() const { return users_; }  // the bot first, then humans
  std::span<const guild_info> guilds() const { return guilds_; }
  std::span<const channel_info> dm_channels() const { return dm_channels_; }

  const user_info* find_user(snowflake id) const;
  const guild_info* find_guild(snowflake id) const;
  const channel_info* find_channel(snowflake id) const;  // guild channels and DMs

  // The privileged intents whose flag (or _LIMITED flag) the application has (§7.5).
  std::uint32_t enabled_privileged_intents() const;

  // Guilds routed to [shard_id, num_shards], in the world's order.
  std::vector<const guild_info*> guilds_on_shard(std::uint32_t shard_id,
                                                 std::uint32_t num_shards) const;

  // Identify on [shard_id, num_shards] would hold more guilds than allowed: 4011 (§6).
  bool is_sharding_required(std::uint32_t shard_id, std::uint32_t num_shards) const;

  // The shard count /gateway/bot recommends: enough that no shard is over the cap.
  std::uint32_t recommended_shards() const;

  // READY's `d` for a session (§3.4): the bot user, the shard's guilds as unavailable, the
  // application's id and flags.
  std::string ready_d(const ready_info& info) const;

  // GUILD_CREATE as an event, its `d` shaped as §11 shows; members and presences follow §7.2
  // (only the bot unless GUILD_PRESENCES, which the gateway checks with `intents`).
  world_event guild_create(const guild_info& guild, std::uint32_t intents) const;

  // The bot user object, for READY and GET /users/@me.
  std::string bot_user_json() const;

  // The application object, for GET /applications/@me.
  std::string application_json() const;

 private:
  world_options options_;
  application_info application_;
  std::vector<user_info> users_;
  std::vector<guild_info> guilds_;
  std::vector<channel_info> dm_channels_;
};

// A message as MESSAGE_CREATE carries it; the generator and POST /channels/{id}/messages
// both build one.
struct message_spec {
  snowflake id = 0;
  snowflake channel_id = 0;
  snowflake author_id = 0;
  std::string content;
  std::size_t embeds = 0;        // how many rich embeds to attach
  std::size_t attachments = 0;   // how many file attachments
  bool with_components = false;  // one action row with a button
  std::vector<snowflake> mention_ids;
  std::optional<snowflake> nonce;
};

// The message object as JSON text (the REST response body), with `guild_id` and `member` when
// `for_gateway` (the MESSAGE_CREATE shape, §11). Fails with an empty string when the channel or
// author is unknown.
std::string render_message(const world& w, const message_spec& m, bool for_gateway);

// MESSAGE_CREATE for a message, gated by GUILD_MESSAGES or DIRECT_MESSAGES, with the emptied
// form unless an exception of §7.4 applies (the bot's own message, a DM, a mention of the bot).
world_event message_create(const world& w, const message_spec& m);

// A snowflake for `ms` after the Discord epoch, with a worker and an increment (§0).
constexpr snowflake make_snowflake(std::uint64_t ms_since_epoch, std::uint32_t increment) {
  return (ms_since_epoch << 22) | (1ull << 17) | (increment & 0xFFFu);
}

// ISO 8601 text for a snowflake's time: "2026-08-06T11:59:59.576000+00:00".
std::string snowflake_timestamp(snowflake id);

}  // namespace gatehouse::testgw
