// Tests for the application-facing shard over a loopback WebSocket server in the test.
#include "gatehouse/client_shard.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "transport/transport_error.hpp"
#include "ws_test_server.hpp"

namespace gatehouse {
namespace {

using transport::testing::run_until;
using transport::testing::server_connection;

// `d` as the transport hands it on: inside its envelope, with padding after the message.
dispatch_event event_inside(const std::string& message, std::string_view d) {
  const auto at = message.find(d);
  const std::size_t padding = message.size() - (at + d.size());
  return dispatch_event{"MESSAGE_CREATE", 1, 0, std::string_view(message).substr(at, d.size()),
                        padding};
}

TEST(dispatch_event_test, data_followed_by_the_envelopes_brace_parses) {
  std::string message = R"({"t":"MESSAGE_CREATE","s":1,"op":0,"d":{"id":"1","content":"hi"}})";
  message.append(simdjson::SIMDJSON_PADDING, ' ');
  const auto e = event_inside(message, R"({"id":"1","content":"hi"})");

  simdjson::ondemand::parser parser;
  auto doc = e.parse(parser);
  std::string_view content;

  ASSERT_FALSE(doc["content"].get_string().get(content));
  EXPECT_EQ(content, "hi");
}

struct client_shard_test : ::testing::Test {
  void SetUp() override {
    server.on_open = [](server_connection& c) {
      c.send_text(R"({"op":10,"d":{"heartbeat_interval":45000}})");
    };
  }

  client_options options() {
    client_options o;
    o.token = "test-token-not-real.abc.def";
    o.intents = 513;
    o.gateway_url = server.url("");
    o.transport_compression = compression::none;
    return o;
  }

  // Starts `shard` and plays the gateway up to READY.
  void reach_ready(client_shard& shard) {
    ASSERT_FALSE(shard.start());
    ASSERT_TRUE(run_until(
        io, [&] { return !server.connections.empty() && server.connections[0]->has_op(2); }));
    server.connections[0]->send_text(
        R"({"op":0,"s":1,"t":"READY","d":{"session_id":"s1","resume_gateway_url":")" +
        server.url("") + R"("}})");
    ASSERT_TRUE(run_until(io, [&] { return shard.is_active(); }));
  }

  boost::asio::io_context io;
  transport::testing::ws_test_server server{io};
};

TEST_F(client_shard_test, dispatch_carries_name_sequence_shard_and_parsable_data) {
  auto o = options();
  o.shard_id = 1;
  o.shard_count = 2;
  client_shard shard(io, o);
  std::string name;
  std::uint64_t sequence = 0;
  std::uint32_t shard_id = 0;
  std::string content;
  shard.on_dispatch([&](const dispatch_event& e) {
    if (e.name != "MESSAGE_CREATE") {
      return;
    }
    name = e.name;
    sequence = e.sequence;
    shard_id = e.shard_id;
    simdjson::ondemand::parser parser;
    auto doc = e.parse(parser);
    std::string_view text;
    ASSERT_FALSE(doc["content"].get_string().get(text));
    content = text;
  });
  reach_ready(shard);

  server.connections[0]->send_text(
      R"({"op":0,"s":2,"t":"MESSAGE_CREATE","d":{"id":"1","content":"hi there"}})");

  ASSERT_TRUE(run_until(io, [&] { return !content.empty(); }));
  EXPECT_EQ(name, "MESSAGE_CREATE");
  EXPECT_EQ(sequence, 2u);
  EXPECT_EQ(shard_id, 1u);
  EXPECT_EQ(content, "hi there");
}

TEST_F(client_shard_test, lifecycle_reports_connected_then_ready) {
  client_shard shard(io, options());
  std::vector<lifecycle_kind> kinds;
  std::string session;
  shard.on_lifecycle([&](const lifecycle_event& e) {
    kinds.push_back(e.kind);
    if (e.kind == lifecycle_kind::ready) {
      session = e.message;
    }
  });
  reach_ready(shard);

  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds[0], lifecycle_kind::connected);
  EXPECT_EQ(kinds[1], lifecycle_kind::ready);
  EXPECT_EQ(session, "s1");
}

TEST_F(client_shard_test, update_presence_sends_escaped_op_3_once_active) {
  client_shard shard(io, options());
  reach_ready(shard);

  ASSERT_FALSE(shard.update_presence("idle", R"(say "hi")"));

  ASSERT_TRUE(run_until(io, [&] { return server.connections[0]->has_op(3); }));
  const auto& sent = server.connections[0]->received.back();
  EXPECT_NE(sent.find(R"("status":"idle")"), std::string::npos);
  EXPECT_NE(sent.find(R"("state":"say \"hi\"")"), std::string::npos);
}

TEST_F(client_shard_test, close_for_restart_hands_back_a_resumable_session) {
  client_shard shard(io, options());
  reach_ready(shard);

  const auto session = shard.close_for_restart();

  EXPECT_EQ(session.session_id, "s1");
  EXPECT_EQ(session.sequence, 1u);
  ASSERT_TRUE(run_until(io, [&] { return server.connections[0]->ended; }));
  EXPECT_GE(server.connections[0]->close_code, 4000);
}

TEST_F(client_shard_test, remote_ws_url_is_refused_before_connecting) {
  auto o = options();
  o.gateway_url = "ws://gateway.discord.gg";
  client_shard shard(io, o);

  const auto ec = shard.start();

  EXPECT_EQ(ec, transport::transport_error::insecure_url);
  EXPECT_EQ(ec, error_condition_kind::configuration);
}

TEST_F(client_shard_test, token_with_inner_whitespace_is_refused_before_connecting) {
  auto o = options();
  o.token = "test-token-not-real abc.def";
  client_shard shard(io, o);

  EXPECT_EQ(shard.start(), error::invalid_token);
  run_until(
      io, [] { return false; }, std::chrono::milliseconds(100));
  EXPECT_TRUE(server.connections.empty());
}

TEST_F(client_shard_test, undefined_intent_bits_are_refused_before_connecting) {
  auto o = options();
  o.intents = 1u << 30;
  client_shard shard(io, o);

  EXPECT_EQ(shard.start(), error::undefined_intent_bits);
}

TEST_F(client_shard_test, commands_before_start_are_refused) {
  client_shard shard(io, options());

  EXPECT_EQ(shard.update_presence("online"), error::shard_stopped);
}

}  // namespace
}  // namespace gatehouse
