// Tests for application commands: queued until the session is active, refused locally when
// they cannot be sent, and kept within the send limit (gateway-spec.md §2.2, §5.1, §5.4; cases
// G01, G14, G26).
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "gateway_pair.hpp"

namespace gatehouse::core {
namespace {

using testing::gateway_pair;

constexpr std::string_view presence_idle =
    R"({"since":null,"activities":[],"status":"idle","afk":false})";
constexpr std::string_view presence_dnd =
    R"({"since":null,"activities":[],"status":"dnd","afk":false})";
constexpr std::string_view members = R"({"guild_id":"1","query":"","limit":0})";

// The index in `sent` of the first payload with `op`.
std::size_t first_index(const gateway_pair& g, int op) {
  for (std::size_t i = 0; i < g.sent.size(); ++i) {
    if (g.sent[i].op == op) {
      return i;
    }
  }
  return g.sent.size();
}

TEST(shard_command_test, case_g01_command_waits_for_ready) {
  auto queue = std::make_shared<identify_queue>();
  ASSERT_TRUE(queue->try_acquire(0, time_point{}));  // the identify slot is held for 5 s
  auto o = gateway_pair::default_options();
  o.identify = queue;
  gateway_pair g(o);
  g.start();
  g.advance(seconds(1));
  ASSERT_FALSE(g.client().send_command(opcode::presence_update, presence_idle, g.now()));
  g.advance(seconds(3));
  EXPECT_EQ(g.count(3), 0u);

  g.advance(seconds(1));  // identify, READY
  ASSERT_EQ(g.count(3), 1u);
  EXPECT_LT(first_index(g, 2), first_index(g, 3));
}

TEST(shard_command_test, case_g01_nothing_but_heartbeat_identify_resume_before_ready) {
  gateway_pair g;
  g.auto_ready = false;
  g.start();
  for (auto op :
       {opcode::presence_update, opcode::voice_state_update, opcode::request_guild_members}) {
    std::string_view d = op == opcode::presence_update ? presence_idle : members;
    ASSERT_FALSE(g.client().send_command(op, d, g.now()));
  }
  g.advance(seconds(5));
  for (const auto& s : g.sent) {
    EXPECT_TRUE(is_allowed_before_auth(s.op)) << s.text;
  }
}

TEST(shard_command_test, command_waits_for_resumed) {
  gateway_pair g;
  g.start();
  g.auto_resume = false;
  g.send(R"({"op":7,"d":null})");
  ASSERT_EQ(g.client().state(), shard_state::resuming);
  ASSERT_FALSE(g.client().send_command(opcode::request_guild_members, members, g.now()));
  EXPECT_EQ(g.count(8), 0u);
  g.send(R"({"t":"RESUMED","s":2,"op":0,"d":{}})");
  EXPECT_EQ(g.count(8), 1u);
}

TEST(shard_command_test, command_on_active_session_goes_out_at_once) {
  gateway_pair g;
  g.start();
  ASSERT_FALSE(g.client().send_command(opcode::voice_state_update,
                                       R"({"guild_id":"1","channel_id":null,"self_mute":false,)"
                                       R"("self_deaf":false})",
                                       g.now()));
  g.pump();
  ASSERT_EQ(g.count(4), 1u);
  EXPECT_TRUE(g.sent_with(4)[0].d.at("channel_id").is_null());
}

TEST(shard_command_test, case_g26_dispatch_is_refused_and_never_sent) {
  gateway_pair g;
  g.start();
  auto ec = g.client().send_command(opcode::dispatch, R"({"content":"hi"})", g.now());
  EXPECT_EQ(ec, error::receive_only_opcode);
  EXPECT_EQ(g.count(0), 0u);
}

TEST(shard_command_test, case_g26_no_receive_only_opcode_can_be_sent) {
  gateway_pair g;
  g.start();
  for (int op = 0; op < 64; ++op) {
    if (!is_command(op)) {
      EXPECT_TRUE(g.client().send_command(static_cast<opcode>(op), "{}", g.now())) << op;
    }
  }
  g.advance(seconds(3));
  for (const auto& s : g.sent) {
    EXPECT_TRUE(is_sendable(s.op)) << s.text;
  }
}

TEST(shard_command_test, identify_through_send_command_is_refused) {
  gateway_pair g;
  g.start();
  EXPECT_EQ(g.client().send_command(opcode::identify, "{}", g.now()), error::reserved_opcode);
  EXPECT_EQ(g.count(2), 1u);
}

TEST(shard_command_test, payload_over_4096_bytes_is_refused) {
  gateway_pair g;
  g.start();
  std::string big = R"({"guild_id":"1","query":")" + std::string(4096, 'a') + R"(","limit":0})";
  EXPECT_EQ(g.client().send_command(opcode::request_guild_members, big, g.now()),
            error::payload_too_large);
  EXPECT_EQ(g.count(8), 0u);
}

TEST(shard_command_test, invalid_json_is_refused) {
  gateway_pair g;
  g.start();
  EXPECT_EQ(g.client().send_command(opcode::presence_update, "{", g.now()), error::invalid_payload);
}

TEST(shard_command_test, full_queue_is_an_error_not_a_drop) {
  auto o = gateway_pair::default_options();
  o.command_queue_capacity = 3;
  gateway_pair g(o);
  g.auto_ready = false;
  g.start();
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(g.client().send_command(opcode::request_guild_members, members, g.now()));
  }
  EXPECT_EQ(g.client().send_command(opcode::request_guild_members, members, g.now()),
            error::command_queue_full);
}

TEST(shard_command_test, case_g14_queued_presence_is_replaced_by_newer) {
  gateway_pair g;
  g.auto_ready = false;
  g.start();
  ASSERT_FALSE(g.client().send_command(opcode::presence_update, presence_idle, g.now()));
  ASSERT_FALSE(g.client().send_command(opcode::presence_update, presence_dnd, g.now()));
  g.send(R"({"t":"READY","s":1,"op":0,"d":{"session_id":"s","resume_gateway_url":"wss://r"}})");
  ASSERT_EQ(g.count(3), 1u);
  EXPECT_EQ(g.sent_with(3)[0].d.at("status"), "dnd");
}

TEST(shard_command_test, case_g14_commands_beyond_the_limit_wait_for_the_window) {
  gateway_pair g;
  g.random_value = 0.0;
  g.heartbeat_interval = seconds(41);
  g.start();
  for (int i = 0; i < 500; ++i) {
    ASSERT_FALSE(g.client().send_command(opcode::request_guild_members, members, g.now()));
  }
  for (int i = 0; i < 50; ++i) {
    ASSERT_FALSE(g.client().send_command(opcode::presence_update, presence_idle, g.now()));
  }
  g.advance(seconds(400));

  // Everything went out, and no 60 s window ever held more than 120 payloads.
  EXPECT_EQ(g.count(8), 500u);
  EXPECT_EQ(g.count(3), 1u);  // the queued presences merged into one
  for (std::size_t i = 0; i < g.sent.size(); ++i) {
    std::size_t in_window = 0;
    for (std::size_t j = i; j < g.sent.size() && g.sent[j].at < g.sent[i].at + seconds(60); ++j) {
      ++in_window;
    }
    ASSERT_LE(in_window, 120u) << "window from payload " << i;
  }
  EXPECT_EQ(g.count(1), 10u);  // a beat every 41 s, none held back
}

TEST(shard_command_test, case_g14_unsent_commands_survive_a_4008_reconnect) {
  gateway_pair g;
  g.start();
  for (int i = 0; i < 200; ++i) {
    ASSERT_FALSE(g.client().send_command(opcode::request_guild_members, members, g.now()));
  }
  g.pump();
  const std::size_t before = g.count(8);
  ASSERT_LT(before, 200u);
  g.server_close(4008);
  EXPECT_EQ(g.count(6), 1u);  // resumed
  g.advance(seconds(120));
  EXPECT_EQ(g.count(8), 200u);
}

TEST(shard_command_test, commands_not_yet_polled_go_to_the_next_session) {
  gateway_pair g;
  g.start();
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(g.client().send_command(opcode::request_guild_members, members, g.now()));
  }
  g.server_close(4000);  // before the driver polled them
  auto sent = g.sent_with(8);
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& s : sent) {
    EXPECT_EQ(s.connection, 2);
  }
}

TEST(shard_command_test, command_after_close_is_refused) {
  gateway_pair g;
  g.start();
  g.client().close(g.now());
  EXPECT_EQ(g.client().send_command(opcode::request_guild_members, members, g.now()),
            error::shard_stopped);
}

}  // namespace
}  // namespace gatehouse::core
