// Whole conversations between a shard and the fake gateway: identify, READY, dispatches, a
// reconnect request, resume, replay and RESUMED, with every dispatch delivered once.
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "gateway_pair.hpp"

namespace gatehouse::core {
namespace {

using testing::gateway_pair;

std::vector<std::uint64_t> delivered_sequences(const gateway_pair& g) {
  std::vector<std::uint64_t> out;
  for (const auto& d : g.dispatches) {
    out.push_back(d.sequence);
  }
  return out;
}

TEST(shard_conversation_test, identify_ready_dispatch_reconnect_resume_without_duplicates) {
  gateway_pair g;
  g.replay_overlap = 2;  // the gateway also replays two dispatches the client has
  g.start();

  // Identify, READY and a few dispatches on the first connection.
  ASSERT_EQ(g.count(2), 1u);
  ASSERT_TRUE(g.client().is_active());
  for (int i = 0; i < 3; ++i) {
    g.dispatch("MESSAGE_CREATE", R"({"content":"hello"})");
    g.advance(milliseconds(700));
  }

  // The gateway asks for a reconnect; two dispatches happen while the shard is away.
  g.auto_hello = false;
  g.send(R"({"op":7,"d":null})");
  g.dispatch_missed("MESSAGE_UPDATE");
  g.dispatch_missed("MESSAGE_DELETE");
  g.advance(milliseconds(50));
  g.send(R"({"t":null,"s":null,"op":10,"d":{"heartbeat_interval":1000}})");

  // Resume on the second connection, replay, RESUMED, then live traffic again.
  auto resumes = g.sent_with(6);
  ASSERT_EQ(resumes.size(), 1u);
  EXPECT_EQ(resumes[0].connection, 2);
  EXPECT_EQ(resumes[0].d.at("seq"), 4);
  g.dispatch("MESSAGE_CREATE");
  g.advance(seconds(5));

  EXPECT_EQ(delivered_sequences(g), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(g.dispatches[4].name, "MESSAGE_UPDATE");
  EXPECT_EQ(g.dispatches[6].name, "RESUMED");
  EXPECT_EQ(g.events_of<resumed_event>().at(0).replayed, 2u);
  EXPECT_EQ(g.count(2), 1u);
  EXPECT_TRUE(g.client().is_active());
  EXPECT_EQ(g.client().session().sequence, 8u);

  // Every payload before READY or RESUMED on a connection was a heartbeat, identify or resume.
  EXPECT_EQ(g.closes.size(), 1u);
  for (const auto& s : g.sent) {
    EXPECT_TRUE(is_sendable(s.op)) << s.text;
  }
}

TEST(shard_conversation_test, dispatch_views_the_raw_data) {
  gateway_pair g;
  g.start();
  g.dispatch("MESSAGE_CREATE", R"({"id":"1090079689072201819","content":"!ping"})");
  ASSERT_EQ(g.dispatches.size(), 2u);
  EXPECT_EQ(g.dispatches[1].name, "MESSAGE_CREATE");
  EXPECT_EQ(g.dispatches[1].sequence, 2u);
  EXPECT_EQ(g.dispatches[1].data, R"({"id":"1090079689072201819","content":"!ping"})");
}

TEST(shard_conversation_test, long_session_keeps_heartbeating_and_acknowledged) {
  gateway_pair g;
  g.heartbeat_interval = milliseconds(41250);
  g.start();
  for (int i = 0; i < 100; ++i) {
    g.dispatch("MESSAGE_CREATE");
    g.advance(seconds(30));
  }
  EXPECT_TRUE(g.client().is_active());
  EXPECT_EQ(g.connects.size(), 1u);
  EXPECT_GE(g.count(1), 70u);
  EXPECT_EQ(g.dispatches.size(), 101u);
}

TEST(shard_conversation_test, shards_sharing_a_queue_identify_in_turn) {
  auto queue = std::make_shared<identify_queue>();
  std::vector<std::unique_ptr<gateway_pair>> pairs;
  for (std::uint32_t id = 0; id < 3; ++id) {
    auto o = gateway_pair::default_options();
    o.identify = queue;
    o.shard_id = id;
    o.shard_count = 3;
    pairs.push_back(std::make_unique<gateway_pair>(o));
    pairs.back()->start();
  }
  for (int step = 0; step < 12; ++step) {
    for (auto& p : pairs) {
      p->advance(seconds(1));
    }
  }
  std::vector<time_point> identified;
  for (auto& p : pairs) {
    ASSERT_EQ(p->count(2), 1u);
    EXPECT_TRUE(p->client().is_active());
    identified.push_back(p->sent_with(2)[0].at);
  }
  EXPECT_EQ(identified[1] - identified[0], seconds(5));
  EXPECT_EQ(identified[2] - identified[1], seconds(5));
}

}  // namespace
}  // namespace gatehouse::core
