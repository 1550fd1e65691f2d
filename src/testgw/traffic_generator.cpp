// Renders the generator's pool from its seed, then hands the events out in order and at rate.
#include "testgw/traffic_generator.hpp"

#include "core/intents.hpp"
#include "testgw/json_shapes.hpp"

#include <boost/json.hpp>

#include <array>
#include <cmath>
#include <memory>
#include <random>

namespace gatehouse::testgw {

namespace json = boost::json;

namespace {

// Message ids start at 2026-03-01 after the Discord epoch and grow by a few ms per event.
constexpr std::uint64_t stream_epoch_ms = 1'772'323'200'000ull - 1'420'070'400'000ull;

// How many distinct large guilds the pool holds; more would cost memory and add nothing.
constexpr std::size_t large_guild_variants = 4;

constexpr std::array<std::string_view, 24> words = {
    "the",    "gateway", "shard",  "resume",   "hello",   "ping",   "pong",    "bot",
    "server", "deploy",  "build",  "test",     "latency", "works",  "broken",  "again",
    "today",  "channel", "thanks", "question", "anyone",  "update", "release", "tonight"};

constexpr std::array<std::string_view, 4> statuses = {"online", "idle", "dnd", "online"};

constexpr std::array<std::string_view, 4> games = {"Factorio", "Minecraft", "Celeste",
                                                   "Outer Wilds"};

// The typing intents (§7.1), which the core's vocabulary does not name.
constexpr std::uint32_t guild_message_typing_intent = 1u << 11;
constexpr std::uint32_t direct_message_typing_intent = 1u << 14;

enum class kind { small_message, large_message, typing, presence, guild_create };

// The rendering state: the world's channels flattened, the stream's clock and random source.
class pool_builder {
 public:
  pool_builder(const world& w, const generator_options& options)
      : world_(w), options_(options), rng_(options.seed) {
    for (const auto& guild : w.guilds()) {
      for (const auto& channel : guild.channels) {
        if (channel.type == 0) {
          text_channels_.push_back(&channel);
        }
      }
    }
  }

  kind pick_kind() {
    const auto& mix = options_.mix;
    const std::array<unsigned, 5> weights = {mix.small_message, mix.large_message, mix.typing,
                                             mix.presence, mix.guild_create};
    unsigned total = 0;
    for (auto w : weights) {
      total += w;
    }
    if (total == 0) {
      return kind::small_message;
    }

    auto roll = static_cast<unsigned>(rng_() % total);
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (roll < weights[i]) {
        return static_cast<kind>(i);
      }
      roll -= weights[i];
    }
    return kind::small_message;
  }

  world_event render(kind k) {
    now_ms_ += 1 + rng_() % 40;
    switch (k) {
      case kind::small_message:
        return message(false);
      case kind::large_message:
        return message(true);
      case kind::typing:
        return typing();
      case kind::presence:
        return presence();
      case kind::guild_create:
        return large_guild();
    }
    return message(false);
  }

 private:
  // One in twenty messages is a DM, when the world has DMs.
  const channel_info& pick_channel() {
    const auto& dms = world_.dm_channels();
    if (text_channels_.empty() || (!dms.empty() && rng_() % 20 == 0)) {
      return dms[rng_() % dms.size()];
    }
    return *text_channels_[rng_() % text_channels_.size()];
  }

  // A human who can speak in the channel: a guild member, or the DM's recipient.
  const user_info& pick_author(const channel_info& channel) {
    if (channel.guild_id == 0) {
      return *world_.find_user(channel.recipient_id);
    }
    const auto& ids = world_.find_guild(channel.guild_id)->member_ids;
    if (ids.size() < 2) {
      return world_.bot();
    }
    return *world_.find_user(ids[1 + rng_() % (ids.size() - 1)]);
  }

  std::string sentence(std::size_t count) {
    std::string text;
    for (std::size_t i = 0; i < count; ++i) {
      if (i) {
        text += ' ';
      }
      text += words[rng_() % words.size()];
    }
    return text;
  }

  world_event message(bool large) {
    const auto& channel = pick_channel();
    const auto& author = pick_author(channel);

    message_spec m;
    m.id = make_snowflake(stream_epoch_ms + now_ms_, static_cast<std::uint32_t>(counter_++));
    m.channel_id = channel.id;
    m.author_id = author.id;
    m.content = sentence(large ? 40 + rng_() % 40 : 4 + rng_() % 20);
    m.nonce = m.id - 1000;
    if (rng_() % 10 == 0) {
      const auto& mentioned = pick_author(channel);
      m.mention_ids.push_back(mentioned.id);
      m.content += " <@" + std::to_string(mentioned.id) + ">";
    }
    if (large) {
      m.embeds = 1 + rng_() % 2;
      m.attachments = 1 + rng_() % 2;
      m.with_components = rng_() % 2 == 0;
    }
    return message_create(world_, m);
  }

  world_event typing() {
    const auto& channel = pick_channel();
    const auto& user = pick_author(channel);
    const auto unix_seconds = (stream_epoch_ms + now_ms_ + 1'420'070'400'000ull) / 1000;
    const auto intent =
        channel.guild_id ? guild_message_typing_intent : direct_message_typing_intent;

    return {"TYPING_START",
            channel.guild_id,
            intent,
            json::serialize(shapes::typing_start(channel, user, unix_seconds)),
            {}};
  }

  world_event presence() {
    const auto& channel = *text_channels_[rng_() % text_channels_.size()];
    const auto& user = pick_author(channel);
    const auto status = statuses[rng_() % statuses.size()];
    const auto game = rng_() % 3 == 0 ? std::string_view{} : games[rng_() % games.size()];
    const auto unix_ms = stream_epoch_ms + now_ms_ + 1'420'070'400'000ull;

    return {"PRESENCE_UPDATE",
            channel.guild_id,
            core::guild_presences_intent,
            json::serialize(shapes::presence_update(channel.guild_id, user, status, game, unix_ms)),
            {}};
  }

  // A guild joined mid-stream: its own small world of many members, listed with presences for
  // sessions with GUILD_PRESENCES, and only the bot for the others (§7.2).
  world_event large_guild() {
    const auto variant = large_guilds_.size() < large_guild_variants
                             ? large_guilds_.size()
                             : static_cast<std::size_t>(rng_() % large_guild_variants);
    if (variant == large_guilds_.size()) {
      world_options o;
      o.application_id = world_.application().id;
      o.application_name = world_.application().name;
      o.guild_count = 1;
      o.channels_per_guild = 24;
      o.users = options_.large_guild_members;
      o.members_per_guild = options_.large_guild_members;
      o.dm_channels = 0;
      o.seed = options_.seed * 31 + variant + 7;
      auto big = std::make_unique<world>(o);
      const auto& guild = big->guilds().front();
      auto event = big->guild_create(guild, ~0u);
      event.d_without_presences = big->guild_create(guild, ~core::guild_presences_intent).d;
      large_guilds_.push_back(std::move(event));
      large_worlds_.push_back(std::move(big));
    }
    return large_guilds_[variant];
  }

  const world& world_;
  const generator_options& options_;
  std::mt19937_64 rng_;
  std::vector<const channel_info*> text_channels_;
  std::vector<std::unique_ptr<world>> large_worlds_;
  std::vector<world_event> large_guilds_;
  std::uint64_t now_ms_ = 0;
  std::uint64_t counter_ = 0;
};

}  // namespace

traffic_generator::traffic_generator(const world& w, generator_options options)
    : options_(std::move(options)) {
  pool_builder builder(w, options_);
  const auto size = std::max<std::size_t>(options_.pool_size, 1);
  pool_.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    pool_.push_back(builder.render(builder.pick_kind()));
  }
}

const world_event& traffic_generator::next() {
  const auto& event = pool_[cursor_];
  cursor_ = (cursor_ + 1) % pool_.size();
  ++taken_;
  bytes_ += event.d.size();
  return event;
}

void traffic_generator::start(clock::time_point now) {
  started_ = now;
  taken_at_start_ = taken_;
}

std::size_t traffic_generator::due(clock::time_point now) const {
  if (!is_rate_limited() || now < started_) {
    return 0;
  }

  const std::chrono::duration<double> elapsed = now - started_;
  const auto owed = static_cast<std::uint64_t>(elapsed.count() * options_.events_per_second);
  const auto taken = taken_ - taken_at_start_;
  return owed > taken ? static_cast<std::size_t>(owed - taken) : 0;
}

traffic_generator::clock::time_point traffic_generator::next_due() const {
  if (!is_rate_limited()) {
    return started_;
  }
  const auto taken = static_cast<double>(taken_ - taken_at_start_);
  const std::chrono::duration<double> offset{(taken + 1) / options_.events_per_second};

  return started_ + std::chrono::duration_cast<clock::duration>(offset);
}

}  // namespace gatehouse::testgw
