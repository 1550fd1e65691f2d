// Renders Discord's objects field by field, in the order Discord sends them.
#include "testgw/json_shapes.hpp"

#include <boost/json.hpp>

#include <string>

namespace gatehouse::testgw::shapes {

namespace json = boost::json;

namespace {

// The permissions of @everyone in a fresh guild, as a string like every permission (§11).
constexpr const char* everyone_permissions = "2248473465835073";

json::value nullable(const std::string& text) {
  if (text.empty()) {
    return nullptr;
  }
  return json::string(text);
}

json::object embed(const message_spec& m, std::size_t index) {
  json::array fields;
  for (std::size_t i = 0; i < 4; ++i) {
    fields.push_back({{"name", "field " + std::to_string(i)},
                      {"value", "a value long enough to look like a real one, #" +
                                    std::to_string(index * 10 + i)},
                      {"inline", i % 2 == 0}});
  }

  return {
      {"type", "rich"},
      {"title", "Embed " + std::to_string(index)},
      {"description", "An embed the generator attached to message " + std::to_string(m.id) +
                          ", with a description of a realistic length for a bot's reply."},
      {"color", 5814783},
      {"fields", std::move(fields)},
      {"footer", {{"text", "gatehouse test gateway"}}},
      {"timestamp", snowflake_timestamp(m.id)},
  };
}

json::object attachment(const message_spec& m, std::size_t index) {
  const auto att_id = m.id + 1 + index;
  const auto name = "image" + std::to_string(index) + ".png";
  const auto url = "https://cdn.example.invalid/attachments/" + std::to_string(m.channel_id) + "/" +
                   std::to_string(att_id) + "/" + name;
  return {
      {"id", id(att_id)},      {"filename", name},
      {"size", 48213 + index}, {"url", url},
      {"proxy_url", url},      {"width", 640},
      {"height", 480},         {"content_type", "image/png"},
  };
}

}  // namespace

json::string id(snowflake value) {
  return json::string(std::to_string(value));
}

json::object user(const user_info& u) {
  json::object o{
      {"id", id(u.id)},       {"username", u.username},
      {"discriminator", "0"}, {"global_name", nullable(u.global_name)},
      {"avatar", nullptr},    {"public_flags", 0},
  };
  if (u.bot) {
    o["bot"] = true;
  }
  return o;
}

json::object member(const user_info& u, snowflake guild_id, bool with_user) {
  json::object o;
  if (with_user) {
    o["user"] = user(u);
  }
  o["nick"] = nullptr;
  o["avatar"] = nullptr;
  o["roles"] = json::array{};
  o["joined_at"] = snowflake_timestamp(guild_id);
  o["premium_since"] = nullptr;
  o["deaf"] = false;
  o["mute"] = false;
  o["flags"] = 0;
  o["pending"] = false;
  o["communication_disabled_until"] = nullptr;
  return o;
}

json::object channel(const channel_info& c, std::size_t position) {
  if (c.guild_id == 0) {
    return {{"id", id(c.id)}, {"type", 1}, {"last_message_id", nullptr}, {"flags", 0}};
  }

  json::object o{
      {"id", id(c.id)},       {"type", c.type},       {"guild_id", id(c.guild_id)},
      {"name", c.name},       {"position", position}, {"permission_overwrites", json::array{}},
      {"parent_id", nullptr}, {"nsfw", false},        {"flags", 0},
  };
  if (c.type == 2) {
    o["bitrate"] = 64000;
    o["user_limit"] = 0;
    o["rtc_region"] = nullptr;
  } else {
    o["topic"] = nullptr;
    o["last_message_id"] = nullptr;
    o["rate_limit_per_user"] = 0;
  }
  return o;
}

json::object guild_create(const guild_info& g, const std::vector<const user_info*>& members,
                          bool with_presences) {
  json::array channels;
  for (std::size_t i = 0; i < g.channels.size(); ++i) {
    channels.push_back(channel(g.channels[i], i));
  }

  json::array member_list;
  json::array presences;
  for (const auto* u : members) {
    member_list.push_back(member(*u, g.id, true));
    if (with_presences && !u->bot) {
      presences.push_back({{"user", {{"id", id(u->id)}}},
                           {"status", "online"},
                           {"activities", json::array{}},
                           {"client_status", {{"desktop", "online"}}}});
    }
  }

  const auto system_channel = g.channels.empty() ? json::value(nullptr) : id(g.channels[0].id);
  const json::object everyone{
      {"id", id(g.id)},   {"name", "@everyone"},
      {"color", 0},       {"hoist", false},
      {"icon", nullptr},  {"unicode_emoji", nullptr},
      {"position", 0},    {"permissions", everyone_permissions},
      {"managed", false}, {"mentionable", false},
      {"flags", 0},
  };

  // The guild object, then the GUILD_CREATE-only fields from joined_at down (§11).
  return {
      {"id", id(g.id)},
      {"name", g.name},
      {"icon", nullptr},
      {"splash", nullptr},
      {"discovery_splash", nullptr},
      {"owner_id", id(g.owner_id)},
      {"afk_channel_id", nullptr},
      {"afk_timeout", 300},
      {"verification_level", 1},
      {"default_message_notifications", 0},
      {"explicit_content_filter", 0},
      {"roles", json::array{everyone}},
      {"emojis", json::array{}},
      {"stickers", json::array{}},
      {"features", json::array{}},
      {"mfa_level", 0},
      {"application_id", nullptr},
      {"system_channel_id", system_channel},
      {"system_channel_flags", 0},
      {"rules_channel_id", nullptr},
      {"vanity_url_code", nullptr},
      {"description", nullptr},
      {"banner", nullptr},
      {"premium_tier", 0},
      {"premium_subscription_count", 0},
      {"preferred_locale", "en-US"},
      {"public_updates_channel_id", nullptr},
      {"nsfw_level", 0},
      {"premium_progress_bar_enabled", false},
      {"safety_alerts_channel_id", nullptr},
      {"incidents_data", nullptr},
      {"max_members", 500000},
      {"joined_at", snowflake_timestamp(g.id)},
      {"large", g.member_ids.size() >= 50},
      {"unavailable", false},
      {"member_count", g.member_ids.size()},
      {"voice_states", json::array{}},
      {"members", std::move(member_list)},
      {"channels", std::move(channels)},
      {"threads", json::array{}},
      {"presences", std::move(presences)},
      {"stage_instances", json::array{}},
      {"guild_scheduled_events", json::array{}},
      {"soundboard_sounds", json::array{}},
  };
}

json::object message(const world& w, const channel_info& c, const user_info& author,
                     const message_spec& m, bool for_gateway, bool with_content) {
  json::array mentions;
  for (auto mention_id : m.mention_ids) {
    if (const auto* u = w.find_user(mention_id)) {
      auto mentioned = user(*u);
      if (for_gateway && c.guild_id) {
        mentioned["member"] = member(*u, c.guild_id, false);  // §11: a partial member
      }
      mentions.push_back(std::move(mentioned));
    }
  }

  json::array embeds;
  json::array attachments;
  json::array components;
  if (with_content) {
    for (std::size_t i = 0; i < m.embeds; ++i) {
      embeds.push_back(embed(m, i));
    }
    for (std::size_t i = 0; i < m.attachments; ++i) {
      attachments.push_back(attachment(m, i));
    }
    if (m.with_components) {
      json::object button{{"type", 2},
                          {"style", 1},
                          {"label", "Click"},
                          {"custom_id", "button-" + std::to_string(m.id)}};
      components.push_back({{"type", 1}, {"components", json::array{button}}});
    }
  }

  json::object o{{"id", id(m.id)}, {"channel_id", id(c.id)}};
  if (for_gateway) {
    if (c.guild_id) {
      o["guild_id"] = id(c.guild_id);
    }
    o["channel_type"] = c.type;
  }
  o["type"] = 0;
  o["content"] = with_content ? m.content : std::string();
  o["tts"] = false;
  o["timestamp"] = snowflake_timestamp(m.id);
  o["edited_timestamp"] = nullptr;
  o["flags"] = 0;
  if (m.nonce) {
    o["nonce"] = std::to_string(*m.nonce);
  }
  o["pinned"] = false;
  o["mention_everyone"] = false;
  o["mentions"] = std::move(mentions);
  o["mention_roles"] = json::array{};
  o["attachments"] = std::move(attachments);
  o["embeds"] = std::move(embeds);
  o["components"] = std::move(components);
  o["author"] = user(author);

  // §11: MESSAGE_CREATE in a guild carries the author's member without its user.
  if (for_gateway && c.guild_id) {
    o["member"] = member(author, c.guild_id, false);
  }
  return o;
}

json::object typing_start(const channel_info& c, const user_info& u, std::uint64_t unix_seconds) {
  json::object o{{"channel_id", id(c.id)}};
  if (c.guild_id) {
    o["guild_id"] = id(c.guild_id);
  }
  o["user_id"] = id(u.id);
  o["timestamp"] = unix_seconds;
  if (c.guild_id) {
    o["member"] = member(u, c.guild_id, true);
  }
  return o;
}

json::object presence_update(snowflake guild_id, const user_info& u, std::string_view status,
                             std::string_view activity, std::uint64_t unix_ms) {
  json::array activities;
  if (!activity.empty()) {
    activities.push_back(
        {{"name", activity}, {"type", 0}, {"id", "ec0b28a579ecb4bd"}, {"created_at", unix_ms}});
  }

  return {
      {"user", {{"id", id(u.id)}}},
      {"status", status},
      {"guild_id", id(guild_id)},
      {"activities", std::move(activities)},
      {"client_status", {{"desktop", status}}},
  };
}

}  // namespace gatehouse::testgw::shapes
