// Tests of the test gateway's world: routing, intent gating, caps and payload shapes.
#include "testgw/world.hpp"

#include "core/intents.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <set>

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;

constexpr std::uint32_t all_intents = core::defined_intents;
constexpr std::uint32_t without_content = all_intents & ~core::message_content_intent;

json::object parse(const std::string& text) {
  return json::parse(text).as_object();
}

world_options many_guilds(std::size_t count) {
  world_options o;
  o.guild_count = count;
  return o;
}

message_spec guild_message(const world& w) {
  const auto& guild = w.guilds().front();
  message_spec m;
  m.id = make_snowflake(1000, 1);
  m.channel_id = guild.channels.front().id;
  m.author_id = guild.member_ids[1];
  m.content = "hello there";
  m.embeds = 1;
  m.attachments = 1;
  m.with_components = true;
  return m;
}

TEST(world_test, same_seed_builds_the_same_world) {
  const world a, b;

  ASSERT_EQ(a.guilds().size(), b.guilds().size());
  for (std::size_t i = 0; i < a.guilds().size(); ++i) {
    EXPECT_EQ(a.guilds()[i].id, b.guilds()[i].id);
  }
  EXPECT_EQ(a.ready_d({"s", "ws://x", std::nullopt, 1}),
            b.ready_d({"s", "ws://x", std::nullopt, 1}));
}

TEST(world_test, another_seed_builds_other_ids) {
  world_options o;
  o.seed = 2;
  const world a, b(o);

  EXPECT_NE(a.guilds().front().id, b.guilds().front().id);
}

TEST(world_test, routes_a_guild_by_its_id_shifted_22_bits) {
  const snowflake guild_id = 41771983423143937ull;  // (id >> 22) = 9959216934

  EXPECT_EQ(shard_for(guild_id, 1), 0u);
  EXPECT_EQ(shard_for(guild_id, 16), static_cast<std::uint32_t>((guild_id >> 22) % 16));
  EXPECT_EQ(shard_for(guild_id, 10), 4u);
}

TEST(world_test, routes_events_without_a_guild_to_shard_zero) {
  const world w;
  message_spec m;
  m.id = make_snowflake(1000, 1);
  m.channel_id = w.dm_channels().front().id;
  m.author_id = w.dm_channels().front().recipient_id;
  m.content = "a dm";
  const auto event = message_create(w, m);

  EXPECT_TRUE(is_delivered(event, 0, 4, all_intents));
  EXPECT_FALSE(is_delivered(event, 1, 4, all_intents));
  EXPECT_FALSE(is_delivered(event, 3, 4, all_intents));
}

TEST(world_test, puts_every_guild_on_exactly_one_shard) {
  const world w(many_guilds(40));
  std::set<snowflake> seen;

  for (std::uint32_t s = 0; s < 5; ++s) {
    for (const auto* guild : w.guilds_on_shard(s, 5)) {
      EXPECT_TRUE(seen.insert(guild->id).second);
      EXPECT_EQ(shard_for(guild->id, 5), s);
    }
  }
  EXPECT_EQ(seen.size(), 40u);
}

TEST(world_test, requires_sharding_above_the_guild_cap) {
  auto o = many_guilds(12);
  o.max_guilds_per_shard = 5;
  const world w(o);

  EXPECT_TRUE(w.is_sharding_required(0, 1));
  EXPECT_GE(w.recommended_shards(), 3u);
  for (std::uint32_t s = 0; s < w.recommended_shards(); ++s) {
    EXPECT_FALSE(w.is_sharding_required(s, w.recommended_shards()));
  }
}

TEST(world_test, recommends_one_shard_for_a_small_world) {
  EXPECT_EQ(world().recommended_shards(), 1u);
}

TEST(world_test, limited_flags_enable_the_privileged_intents) {
  EXPECT_EQ(world().enabled_privileged_intents(), core::privileged_intents);
}

TEST(world_test, reviewed_flag_alone_enables_its_intent) {
  world_options o;
  o.application_flags = gateway_message_content_flag;

  EXPECT_EQ(world(o).enabled_privileged_intents(), core::message_content_intent);
}

TEST(world_test, no_flags_enable_no_privileged_intent) {
  world_options o;
  o.application_flags = 0;

  EXPECT_EQ(world(o).enabled_privileged_intents(), 0u);
}

TEST(world_test, flags_for_privileged_intents_enable_exactly_those) {
  world_options o;
  o.application_flags =
      application_flags_for(core::message_content_intent | core::guild_members_intent);

  EXPECT_EQ(world(o).enabled_privileged_intents(),
            core::message_content_intent | core::guild_members_intent);
  EXPECT_EQ(application_flags_for(core::guilds_intent), 0u);
}

TEST(world_test, ready_lists_the_shards_guilds_as_unavailable) {
  const world w(many_guilds(20));
  const auto d = parse(w.ready_d({"abc", "ws://127.0.0.1:9", 1u, 3}));
  const auto expected = w.guilds_on_shard(1, 3);

  const auto& guilds = d.at("guilds").as_array();
  ASSERT_EQ(guilds.size(), expected.size());
  for (std::size_t i = 0; i < guilds.size(); ++i) {
    EXPECT_EQ(guilds[i].at("id").as_string(), std::to_string(expected[i]->id));
    EXPECT_TRUE(guilds[i].at("unavailable").as_bool());
  }
}

TEST(world_test, ready_carries_session_resume_url_user_and_application) {
  const world w;
  const auto d = parse(w.ready_d({"abc", "ws://127.0.0.1:9", std::nullopt, 1}));

  EXPECT_EQ(d.at("v").as_int64(), 10);
  EXPECT_EQ(d.at("session_id").as_string(), "abc");
  EXPECT_EQ(d.at("resume_gateway_url").as_string(), "ws://127.0.0.1:9");
  EXPECT_EQ(d.at("user").at("id").as_string(), std::to_string(w.bot().id));
  EXPECT_TRUE(d.at("user").at("bot").as_bool());
  EXPECT_EQ(d.at("application").at("id").as_string(), std::to_string(w.application().id));
  EXPECT_EQ(d.at("application").at("flags").as_int64(), w.application().flags);
}

TEST(world_test, ready_has_shard_only_when_identify_sent_one) {
  const world w;

  EXPECT_FALSE(parse(w.ready_d({"a", "ws://x", std::nullopt, 1})).contains("shard"));
  const auto d = parse(w.ready_d({"a", "ws://x", 2u, 4}));
  EXPECT_EQ(d.at("shard").as_array(), (json::array{2, 4}));
}

TEST(world_test, guild_create_lists_only_the_bot_without_presences_intent) {
  const world w;
  const auto event = w.guild_create(w.guilds().front(), core::guilds_intent);
  const auto d = parse(event.d);

  ASSERT_EQ(d.at("members").as_array().size(), 1u);
  EXPECT_EQ(d.at("members").as_array()[0].at("user").at("id").as_string(),
            std::to_string(w.bot().id));
  EXPECT_TRUE(d.at("presences").as_array().empty());
}

TEST(world_test, guild_create_lists_members_and_presences_with_presences_intent) {
  const world w;
  const auto& guild = w.guilds().front();
  const auto d = parse(w.guild_create(guild, all_intents).d);

  EXPECT_EQ(d.at("members").as_array().size(), guild.member_ids.size());
  EXPECT_EQ(d.at("presences").as_array().size(), guild.member_ids.size() - 1);
  EXPECT_EQ(d.at("member_count").as_int64(), static_cast<std::int64_t>(guild.member_ids.size()));
}

TEST(world_test, guild_create_has_discords_fields) {
  const world w;
  const auto d = parse(w.guild_create(w.guilds().front(), all_intents).d);

  for (auto field :
       {"id", "name", "owner_id", "roles", "emojis", "features", "joined_at", "large",
        "unavailable", "member_count", "voice_states", "members", "channels", "threads",
        "presences", "stage_instances", "guild_scheduled_events", "soundboard_sounds"}) {
    EXPECT_TRUE(d.contains(field)) << field;
  }
  EXPECT_EQ(d.at("roles").as_array()[0].at("name").as_string(), "@everyone");
}

TEST(world_test, guild_create_is_gated_by_the_guilds_intent) {
  const world w;
  const auto event = w.guild_create(w.guilds().front(), all_intents);
  const auto shard = shard_for(event.guild_id, 1);

  EXPECT_TRUE(is_delivered(event, shard, 1, core::guilds_intent));
  EXPECT_FALSE(is_delivered(event, shard, 1, core::guild_messages_intent));
}

TEST(world_test, guild_message_needs_guild_messages_intent) {
  const world w;
  const auto event = message_create(w, guild_message(w));

  EXPECT_TRUE(is_delivered(event, 0, 1, core::guild_messages_intent));
  EXPECT_FALSE(is_delivered(event, 0, 1, core::direct_messages_intent));
}

TEST(world_test, message_without_content_intent_arrives_emptied) {
  const world w;
  const auto event = message_create(w, guild_message(w));
  const auto d = parse(payload_for(event, without_content));

  EXPECT_EQ(d.at("content").as_string(), "");
  EXPECT_TRUE(d.at("embeds").as_array().empty());
  EXPECT_TRUE(d.at("attachments").as_array().empty());
  EXPECT_TRUE(d.at("components").as_array().empty());
  EXPECT_EQ(d.at("id").as_string(), std::to_string(guild_message(w).id));
}

TEST(world_test, message_with_content_intent_arrives_whole) {
  const world w;
  const auto event = message_create(w, guild_message(w));
  const auto d = parse(payload_for(event, all_intents));

  EXPECT_EQ(d.at("content").as_string(), "hello there");
  EXPECT_EQ(d.at("embeds").as_array().size(), 1u);
  EXPECT_EQ(d.at("attachments").as_array().size(), 1u);
  EXPECT_EQ(d.at("components").as_array().size(), 1u);
}

TEST(world_test, message_mentioning_the_bot_keeps_its_content) {
  const world w;
  auto m = guild_message(w);
  m.mention_ids.push_back(w.bot().id);

  const auto d = parse(payload_for(message_create(w, m), without_content));
  EXPECT_EQ(d.at("content").as_string(), "hello there");
}

TEST(world_test, bots_own_message_keeps_its_content) {
  const world w;
  auto m = guild_message(w);
  m.author_id = w.bot().id;

  const auto d = parse(payload_for(message_create(w, m), without_content));
  EXPECT_EQ(d.at("content").as_string(), "hello there");
}

TEST(world_test, direct_message_keeps_its_content_and_needs_direct_messages) {
  const world w;
  message_spec m;
  m.id = make_snowflake(1000, 1);
  m.channel_id = w.dm_channels().front().id;
  m.author_id = w.dm_channels().front().recipient_id;
  m.content = "secret";
  const auto event = message_create(w, m);
  const auto d = parse(payload_for(event, core::direct_messages_intent));

  EXPECT_EQ(d.at("content").as_string(), "secret");
  EXPECT_FALSE(d.contains("guild_id"));
  EXPECT_FALSE(d.contains("member"));
  EXPECT_FALSE(is_delivered(event, 0, 1, core::guild_messages_intent));
}

TEST(world_test, guild_message_carries_guild_id_and_member_without_user) {
  const world w;
  const auto d = parse(message_create(w, guild_message(w)).d);

  EXPECT_EQ(d.at("guild_id").as_string(), std::to_string(w.guilds().front().id));
  EXPECT_FALSE(d.at("member").as_object().contains("user"));
  EXPECT_EQ(d.at("author").at("id").as_string(), std::to_string(w.guilds().front().member_ids[1]));
}

TEST(world_test, message_to_unknown_channel_renders_nothing) {
  const world w;
  auto m = guild_message(w);
  m.channel_id = 12345;

  EXPECT_TRUE(render_message(w, m, false).empty());
  EXPECT_TRUE(message_create(w, m).d.empty());
}

TEST(world_test, snowflake_timestamp_counts_from_the_discord_epoch) {
  // The docs' example id: 41944705796 ms after 2015-01-01.
  EXPECT_EQ(snowflake_timestamp(175928847299117063ull), "2016-04-30T11:18:25.796000+00:00");
}

}  // namespace
}  // namespace gatehouse::testgw
