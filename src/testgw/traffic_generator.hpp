// The traffic generator: a seeded, deterministic stream of world events with a realistic mix,
// rendered ahead of time so that producing an event costs a pointer, not a JSON write.
#pragma once

#include "testgw/world.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gatehouse::testgw {

// Relative weights of each kind of event in the stream.
struct traffic_mix {
  unsigned small_message = 55;  // MESSAGE_CREATE with short content, ~960 bytes
  unsigned large_message = 10;  // MESSAGE_CREATE with embeds and attachments, a few KB
  unsigned typing = 20;         // TYPING_START
  unsigned presence = 13;       // PRESENCE_UPDATE
  unsigned guild_create = 2;    // a large GUILD_CREATE, tens of KB
};

struct generator_options {
  std::uint64_t seed = 1;        // same seed and world, same stream
  double events_per_second = 0;  // 0: as fast as the consumer takes them
  traffic_mix mix;
  std::size_t pool_size = 4096;  // distinct events rendered up front; the stream cycles them
  std::size_t large_guild_members = 250;  // members in a generated large GUILD_CREATE
};

// Produces events in a fixed order. Rate-based use: start(now), then at each timer tick take
// due(now) events with next() and re-arm at next_due(). As-fast-as-possible use: call next()
// whenever the consumer has room. Not thread-safe; one generator per producer.
class traffic_generator {
 public:
  using clock = std::chrono::steady_clock;

  traffic_generator(const world& w, generator_options options);

  // The next event of the stream. The reference stays valid as long as the generator.
  const world_event& next();

  // Starts the rate clock; due() counts from here.
  void start(clock::time_point now);

  // How many events are owed by `now` at the configured rate and not yet taken; with no rate,
  // always 0. Taking fewer than owed leaves the rest owed.
  std::size_t due(clock::time_point now) const;

  // When the next event falls due (for a timer); meaningless without a rate.
  clock::time_point next_due() const;

  bool is_rate_limited() const { return options_.events_per_second > 0; }
  const generator_options& options() const { return options_; }

  // Totals since construction: events handed out and the bytes of their `d`.
  std::uint64_t events_generated() const { return taken_; }
  std::uint64_t bytes_generated() const { return bytes_; }

  // The pre-rendered events, in stream order (for tests and for pre-framing by the gateway).
  const std::vector<world_event>& pool() const { return pool_; }

 private:
  generator_options options_;
  std::vector<world_event> pool_;
  std::size_t cursor_ = 0;
  std::uint64_t taken_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t taken_at_start_ = 0;
  clock::time_point started_{};
};

}  // namespace gatehouse::testgw
