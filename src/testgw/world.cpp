// Builds the world from its options and renders its objects with Discord's payload shapes.
#include "testgw/world.hpp"

#include "core/intents.hpp"
#include "testgw/json_shapes.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <random>

namespace gatehouse::testgw {

namespace json = boost::json;

std::optional<snowflake> parse_snowflake(std::string_view text) {
  snowflake value = 0;
  const char* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || at != end) {
    return std::nullopt;
  }
  return value;
}

namespace {

// 2026-01-01T00:00:00Z in milliseconds after the Discord epoch (§0).
constexpr std::uint64_t world_epoch_ms = 1'767'225'600'000ull - 1'420'070'400'000ull;
constexpr std::uint64_t day_ms = 86'400'000ull;

constexpr std::array<std::string_view, 16> name_parts = {"ka", "ri",  "mo",  "zen", "lu",  "ta",
                                                         "vi", "no",  "shi", "ra",  "bel", "dor",
                                                         "fi", "gan", "ho",  "jun"};

constexpr std::array<std::string_view, 8> channel_names = {
    "general", "random", "help", "announcements", "off-topic", "dev", "music", "memes"};

std::string make_name(std::mt19937_64& rng, std::size_t parts) {
  std::string name;
  for (std::size_t i = 0; i < parts; ++i) {
    name += name_parts[rng() % name_parts.size()];
  }
  return name;
}

}  // namespace

std::uint32_t application_flags_for(std::uint32_t privileged_intents) {
  std::uint32_t flags = 0;
  if (privileged_intents & core::guild_presences_intent) {
    flags |= gateway_presence_limited_flag;
  }
  if (privileged_intents & core::guild_members_intent) {
    flags |= gateway_guild_members_limited_flag;
  }
  if (privileged_intents & core::message_content_intent) {
    flags |= gateway_message_content_limited_flag;
  }
  return flags;
}

bool is_delivered(const world_event& event, std::uint32_t shard_id, std::uint32_t num_shards,
                  std::uint32_t intents) {
  if (shard_for(event.guild_id, num_shards) != shard_id) {
    return false;
  }

  // §7.3: events without an intent always arrive; the others need their bit.
  return event.required_intent == 0 || (intents & event.required_intent) != 0;
}

const std::string& payload_for(const world_event& event, std::uint32_t intents) {
  if ((intents & core::message_content_intent) == 0 && !event.d_without_content.empty()) {
    return event.d_without_content;  // §7.4
  }
  if ((intents & core::guild_presences_intent) == 0 && !event.d_without_presences.empty()) {
    return event.d_without_presences;  // §7.2
  }
  return event.d;
}

world::world(world_options options) : options_(std::move(options)) {
  std::mt19937_64 rng(options_.seed);

  application_ = {options_.application_id, options_.application_name, options_.application_flags};
  users_.push_back({application_.id, application_.name, "", true});

  // Users joined at various times in the year before the world's epoch.
  for (std::size_t i = 0; i < options_.users; ++i) {
    const auto ms = world_epoch_ms - (rng() % (365 * day_ms));
    auto name = make_name(rng, 2 + rng() % 2) + std::to_string(i);
    auto global = name;
    global[0] = static_cast<char>(global[0] - 'a' + 'A');
    users_.push_back({make_snowflake(ms, static_cast<std::uint32_t>(i)), name, global, false});
  }

  // Guild ids spread over a year, so that (id >> 22) % n spreads them over shards (§6).
  std::uint32_t increment = 0;
  for (std::size_t g = 0; g < options_.guild_count; ++g) {
    guild_info guild;
    guild.id = make_snowflake(world_epoch_ms - (rng() % (365 * day_ms)), increment++);
    guild.name = "guild " + make_name(rng, 2);
    guild.member_ids.push_back(application_.id);

    for (std::size_t m = 0; m < options_.members_per_guild && m < options_.users; ++m) {
      guild.member_ids.push_back(users_[1 + (g * 7 + m) % options_.users].id);
    }
    guild.owner_id = guild.member_ids.size() > 1 ? guild.member_ids[1] : application_.id;

    const auto channel_ms = (guild.id >> 22) + 1000;
    for (std::size_t c = 0; c < options_.channels_per_guild; ++c) {
      const auto& name = channel_names[c % channel_names.size()];
      guild.channels.push_back(
          {make_snowflake(channel_ms + c, increment++), guild.id, 0, std::string(name), 0});
    }
    guild.channels.push_back(
        {make_snowflake(channel_ms + 500, increment++), guild.id, 2, "General", 0});
    guilds_.push_back(std::move(guild));
  }

  for (std::size_t i = 0; i < options_.dm_channels && i < options_.users; ++i) {
    const auto ms = world_epoch_ms + 1000 + i;
    dm_channels_.push_back({make_snowflake(ms, increment++), 0, 1, "", users_[1 + i].id});
  }
}

const user_info* world::find_user(snowflake id) const {
  auto it = std::find_if(users_.begin(), users_.end(), [id](auto& u) { return u.id == id; });
  return it == users_.end() ? nullptr : &*it;
}

const guild_info* world::find_guild(snowflake id) const {
  auto it = std::find_if(guilds_.begin(), guilds_.end(), [id](auto& g) { return g.id == id; });
  return it == guilds_.end() ? nullptr : &*it;
}

const channel_info* world::find_channel(snowflake id) const {
  for (const auto& guild : guilds_) {
    for (const auto& channel : guild.channels) {
      if (channel.id == id) {
        return &channel;
      }
    }
  }
  auto it =
      std::find_if(dm_channels_.begin(), dm_channels_.end(), [id](auto& c) { return c.id == id; });
  return it == dm_channels_.end() ? nullptr : &*it;
}

std::uint32_t world::enabled_privileged_intents() const {
  const auto flags = application_.flags;
  std::uint32_t enabled = 0;

  // §7.5: the reviewed flag or its _LIMITED twin enables the intent.
  if (flags & (gateway_presence_flag | gateway_presence_limited_flag)) {
    enabled |= core::guild_presences_intent;
  }
  if (flags & (gateway_guild_members_flag | gateway_guild_members_limited_flag)) {
    enabled |= core::guild_members_intent;
  }
  if (flags & (gateway_message_content_flag | gateway_message_content_limited_flag)) {
    enabled |= core::message_content_intent;
  }
  return enabled;
}

std::vector<const guild_info*> world::guilds_on_shard(std::uint32_t shard_id,
                                                      std::uint32_t num_shards) const {
  std::vector<const guild_info*> on_shard;
  for (const auto& guild : guilds_) {
    if (shard_for(guild.id, num_shards) == shard_id) {
      on_shard.push_back(&guild);
    }
  }
  return on_shard;
}

bool world::is_sharding_required(std::uint32_t shard_id, std::uint32_t num_shards) const {
  return guilds_on_shard(shard_id, num_shards).size() > options_.max_guilds_per_shard;  // §6
}

std::uint32_t world::recommended_shards() const {
  const auto cap = std::max<std::size_t>(options_.max_guilds_per_shard, 1);
  auto shards =
      static_cast<std::uint32_t>(std::max<std::size_t>(1, (guilds_.size() + cap - 1) / cap));

  // Ids do not spread evenly, so grow until no shard is over the cap.
  while (true) {
    bool fits = true;
    for (std::uint32_t s = 0; s < shards && fits; ++s) {
      fits = !is_sharding_required(s, shards);
    }
    if (fits) {
      return shards;
    }
    ++shards;
  }
}

std::string world::ready_d(const ready_info& info) const {
  json::array guilds;
  for (const auto* guild : guilds_on_shard(info.shard_id.value_or(0), info.num_shards)) {
    guilds.push_back({{"id", shapes::id(guild->id)}, {"unavailable", true}});  // §3.4
  }

  json::object user = shapes::user(bot());
  user["verified"] = true;
  user["mfa_enabled"] = false;
  user["flags"] = 0;
  user["email"] = nullptr;

  json::object d{
      {"v", 10},
      {"user", std::move(user)},
      {"guilds", std::move(guilds)},
      {"session_id", info.session_id},
      {"resume_gateway_url", info.resume_gateway_url},
      {"application", {{"id", shapes::id(application_.id)}, {"flags", application_.flags}}},
      // Fields real READY frames carry beyond the docs; clients must ignore them (§0).
      {"session_type", "normal"},
      {"private_channels", json::array{}},
      {"presences", json::array{}},
      {"relationships", json::array{}},
      {"guild_join_requests", json::array{}},
      {"user_settings", json::object{}},
      {"_trace", {"[\"gatehouse-testgw\",{\"micros\":0.0}]"}},
  };
  if (info.shard_id) {
    d["shard"] = {*info.shard_id, info.num_shards};
  }
  return json::serialize(d);
}

world_event world::guild_create(const guild_info& guild, std::uint32_t intents) const {
  // §7.2: without GUILD_PRESENCES the member list holds only the bot.
  const bool full = (intents & core::guild_presences_intent) != 0;
  std::vector<const user_info*> members;
  for (auto id : guild.member_ids) {
    const auto* user = find_user(id);
    if (user && (full || user->bot)) {
      members.push_back(user);
    }
  }

  return {"GUILD_CREATE",
          guild.id,
          core::guilds_intent,
          json::serialize(shapes::guild_create(guild, members, full)),
          {}};
}

std::string world::bot_user_json() const {
  json::object user = shapes::user(bot());
  user["verified"] = true;
  user["mfa_enabled"] = false;
  user["flags"] = 0;
  user["locale"] = "en-US";
  return json::serialize(user);
}

std::string world::application_json() const {
  json::object app{
      {"id", shapes::id(application_.id)},
      {"name", application_.name},
      {"icon", nullptr},
      {"description", "a bot living in the gatehouse test gateway"},
      {"bot_public", true},
      {"bot_require_code_grant", false},
      {"bot", shapes::user(bot())},
      {"verify_key", "0000000000000000000000000000000000000000000000000000000000000000"},
      {"team", nullptr},
      {"flags", application_.flags},
      {"approximate_guild_count", guilds_.size()},
  };
  app["owner"] = users_.size() > 1 ? shapes::user(users_[1]) : shapes::user(bot());
  return json::serialize(app);
}

std::string render_message(const world& w, const message_spec& m, bool for_gateway) {
  const auto* channel = w.find_channel(m.channel_id);
  const auto* author = w.find_user(m.author_id);
  if (!channel || !author) {
    return {};
  }
  return json::serialize(shapes::message(w, *channel, *author, m, for_gateway, true));
}

world_event message_create(const world& w, const message_spec& m) {
  const auto* channel = w.find_channel(m.channel_id);
  const auto* author = w.find_user(m.author_id);
  if (!channel || !author) {
    return {};
  }

  world_event event;
  event.name = "MESSAGE_CREATE";
  event.guild_id = channel->guild_id;
  event.required_intent =
      channel->guild_id ? core::guild_messages_intent : core::direct_messages_intent;
  event.d = json::serialize(shapes::message(w, *channel, *author, m, true, true));

  // §7.4: the bot's own messages, DMs and messages that mention it keep their content.
  const bool mentions_bot =
      std::find(m.mention_ids.begin(), m.mention_ids.end(), w.bot().id) != m.mention_ids.end();
  const bool keeps_content = author->bot || channel->guild_id == 0 || mentions_bot;
  const bool has_content = !m.content.empty() || m.embeds || m.attachments || m.with_components;
  if (!keeps_content && has_content) {
    event.d_without_content =
        json::serialize(shapes::message(w, *channel, *author, m, true, false));
  }
  return event;
}

std::string snowflake_timestamp(snowflake id) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds{(id >> 22) + 1'420'070'400'000ull}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};

  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ld000+00:00",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()),
                static_cast<long>(hms.subseconds().count()));
  return text;
}

}  // namespace gatehouse::testgw
