// Random conversations: the gateway and the application do anything in any
// order, and the shard's promises still hold. The fake gateway checks each
// payload (sendable opcode, at most 4096 bytes, nothing but heartbeat, identify
// or resume before READY or RESUMED); this file checks what the application saw.
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/close_code.hpp"
#include "gateway_pair.hpp"

namespace gatehouse::core {
namespace {

using testing::gateway_pair;

class shard_fuzz_test : public ::testing::TestWithParam<std::uint32_t> {};

void random_step(gateway_pair& g, std::mt19937& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  constexpr std::uint16_t codes[] = {0,    1000, 1001, 1006, 4000, 4001, 4002,
                                     4003, 4005, 4007, 4008, 4009, 4900};
  switch (pick(14)) {
    case 0:
    case 1:
      g.advance(milliseconds(pick(3000)));
      break;
    case 2:
    case 3:
      g.dispatch("MESSAGE_CREATE");
      break;
    case 4:
      g.dispatch_missed("MESSAGE_UPDATE");
      break;
    case 5:
      g.send(R"({"op":7,"d":null})");
      break;
    case 6:
      g.send(pick(2) ? R"({"op":9,"d":true})" : R"({"op":9,"d":false})");
      break;
    case 7:
      g.send(pick(2) ? R"({"op":1,"d":null})" : R"({"op":11,"d":null})");
      break;
    case 8:
      g.server_close(codes[pick(std::size(codes))]);
      break;
    case 9:
    case 10: {
      const int op = pick(12);
      g.client().send_command(static_cast<opcode>(op), R"({"guild_id":"1","query":"","limit":0})",
                              g.now());
      g.pump();
      break;
    }
    case 11:
      g.auto_ack = pick(4) != 0;
      break;
    case 12:
      g.auto_resume = pick(3) != 0;
      g.auto_ready = pick(4) != 0;
      break;
    case 13:
      g.accept_connections = pick(3) != 0;
      g.replay_overlap = static_cast<std::uint64_t>(pick(3));
      break;
  }
}

TEST_P(shard_fuzz_test, promises_hold_in_random_conversations) {
  std::mt19937 rng(GetParam());
  auto o = gateway_pair::default_options();
  o.send_limit = {.limit = 20, .window = seconds(10), .reserved = 3};
  gateway_pair g(o);
  g.random_value = 0.37;
  g.start();
  for (int step = 0; step < 400; ++step) {
    random_step(g, rng);
  }
  g.accept_connections = true;
  g.advance(seconds(120));

  // Each dispatch of a session was delivered once, in order.
  std::uint64_t last = 0;
  for (const auto& d : g.dispatches) {
    if (d.name == "READY") {
      last = 0;
    }
    EXPECT_GT(d.sequence, last) << d.name;
    last = d.sequence;
  }

  // The shard closed only to resume, never with a code that ends the session.
  for (const auto& c : g.closes) {
    EXPECT_EQ(c.code, resume_close_code);
  }
  EXPECT_FALSE(g.client().is_stopped());
}

INSTANTIATE_TEST_SUITE_P(seeds, shard_fuzz_test, ::testing::Range(1u, 101u));

}  // namespace
}  // namespace gatehouse::core
