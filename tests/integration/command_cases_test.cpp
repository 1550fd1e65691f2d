// The application command cases (G01, G14, G26): commands wait for the session, stay within
// the gateway's send limit, and only documented send opcodes ever leave the client.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "core/error.hpp"
#include "core/opcode.hpp"
#include "harness.hpp"

namespace gatehouse::integration {
namespace {

namespace json = boost::json;
using testgw::fault_kind;

constexpr std::string_view member_request = R"({"guild_id":"1","query":"","limit":0})";

// The connection of `session`, from the report.
std::optional<json::object> connection_of(const json::value& r, const std::string& session) {
  for (const auto& c : report::connections(r)) {
    if (c.at("session_id").is_string() && c.at("session_id").as_string() == session) {
      return c;
    }
  }
  return std::nullopt;
}

TEST(command_test, case_g01_presence_waits_for_ready_while_identify_is_held) {
  // Two shards in one bucket: shard 1 waits one identify window behind shard 0.
  auto o = fast_gateway();
  o.identify_window = 600ms;
  loopback net(o);
  auto queue = identify_queue_for(o);

  std::vector<std::unique_ptr<recorded_client>> shards;
  for (std::uint32_t id = 0; id < 2; ++id) {
    auto options = fast_client(net.gateway);
    options.shard_id = id;
    options.shard_count = 2;
    options.identify_queue = queue;
    shards.push_back(std::make_unique<recorded_client>(net.io, options));
  }

  // Shard 1 sets its presence while the queue holds its identify back.
  auto& held = *shards[1];
  std::error_code presence_ec = error::shard_stopped;
  held.then = [&](const lifecycle_event& e) {
    if (e.kind == lifecycle_kind::identify_waiting) {
      presence_ec = held.shard().update_presence("idle", "waiting for identify");
    }
  };
  ASSERT_FALSE(shards[0]->start());
  ASSERT_FALSE(held.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return shards[0]->is_active() && held.is_active(); }, 5s));
  ASSERT_EQ(held.count(lifecycle_kind::identify_waiting), 1u);
  EXPECT_FALSE(presence_ec);

  // The presence reached shard 1's session after READY: before it, 4003 would have closed.
  std::optional<json::object> conn;
  ASSERT_TRUE(run_until(
      net.io,
      [&] {
        conn = connection_of(net.gateway.report(), held.session_id());
        return conn && report::opcode_count(*conn, 3) == 1;
      },
      5s));
  const auto r = net.gateway.report();
  EXPECT_EQ(report::violations_with(r, 4003), 0u);
  EXPECT_EQ(report::connections(r).size(), 2u);
  EXPECT_EQ(report::received(r, 3), 1u);
}

// Heartbeat gaps on a connection, in milliseconds.
double longest_heartbeat_gap(const json::object& connection) {
  double longest = 0;
  double previous = -1;
  for (const auto& h : connection.at("heartbeats").as_array()) {
    const double at = h.at("at_ms").to_number<double>();
    if (previous >= 0) {
      longest = std::max(longest, at - previous);
    }
    previous = at;
  }
  return longest;
}

TEST(command_test, case_g14_command_burst_stays_within_the_send_limit) {
  loopback net;
  recorded_client client(net.io, fast_client(net.gateway));
  ASSERT_NO_FATAL_FAILURE(start_active(net, client));

  for (int i = 0; i < 500; ++i) {
    ASSERT_FALSE(
        client.shard().send_command(command_opcode::request_guild_members, member_request));
    if (i % 10 == 0) {
      ASSERT_FALSE(client.shard().update_presence("online", "status " + std::to_string(i)));
    }
  }
  ASSERT_TRUE(run_until(
      net.io, [&] { return report::received(net.gateway.report(), 8) == 500; }, 10s));
  run_for(net.io, 300ms);

  // Presences were merged; heartbeats kept their interval through the burst.
  const auto r = net.gateway.report();
  EXPECT_EQ(report::violations_with(r, 4008), 0u);
  EXPECT_GE(report::received(r, 3), 1u);
  EXPECT_LE(report::received(r, 3), 50u);
  ASSERT_EQ(report::connections(r).size(), 1u);
  EXPECT_LE(longest_heartbeat_gap(report::connections(r)[0]), 2 * 100.0 + 50.0);
  EXPECT_EQ(client.count(lifecycle_kind::reconnecting), 0u);
}

TEST(command_test, case_g14_after_4008_resumes_and_sends_the_pending_commands) {
  loopback net;
  recorded_client client(net.io, fast_client(net.gateway));
  ASSERT_NO_FATAL_FAILURE(start_active(net, client));

  constexpr std::uint64_t total = 500;
  for (std::uint64_t i = 0; i < total; ++i) {
    ASSERT_FALSE(
        client.shard().send_command(command_opcode::request_guild_members, member_request));
  }
  ASSERT_TRUE(run_until(
      net.io, [&] { return report::received(net.gateway.report(), 8) >= 100; }, 5s));
  net.gateway.inject({.kind = fault_kind::close, .code = 4008, .reason = "Rate limited."});
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.count(lifecycle_kind::resumed) == 1 && client.is_active(); },
      5s));

  // What was still queued in the client goes out on the resumed connection; at most the
  // commands in flight when the gateway closed (one window's worth) can be lost.
  ASSERT_TRUE(run_until(
      net.io,
      [&] {
        const auto r = net.gateway.report();
        const auto resumed = report::connections_on(r, "resume");
        return resumed.size() == 1 && report::opcode_count(resumed[0], 8) > 0 &&
               report::received(r, 8) >= total - 120;
      },
      10s));
  EXPECT_EQ(report::violations_with(net.gateway.report(), 4008), 0u);
}

TEST(command_test, case_g26_public_api_never_emits_a_receive_only_opcode) {
  loopback net;
  recorded_client client(net.io, fast_client(net.gateway));
  ASSERT_NO_FATAL_FAILURE(start_active(net, client));

  // Every opcode number with valid, invalid and oversized data.
  const std::string big = R"({"pad":")" + std::string(5000, 'x') + R"("})";
  const std::string datas[] = {R"({"guild_id":"1"})", "not json", big, "null"};
  std::uint64_t accepted = 0;
  for (int op = 0; op < 64; ++op) {
    for (const auto& data : datas) {
      const auto ec = client.shard().send_command(static_cast<command_opcode>(op), data);
      const bool is_command = core::is_command(op);
      if (!is_command || &data == &datas[1] || &data == &datas[2]) {
        EXPECT_TRUE(ec) << "op " << op << " data " << data.substr(0, 20);
      }
      accepted += ec ? 0 : 1;
    }
  }
  EXPECT_EQ(client.shard().send_command(command_opcode{0}, R"({"content":"hi"})"),
            error::receive_only_opcode);
  EXPECT_GT(accepted, 0u);
  run_for(net.io, 500ms);

  // The gateway closes with 4001 or 4002 on any op 0/7/9/10/11 or a frame over 4096 bytes.
  const auto r = net.gateway.report();
  EXPECT_EQ(report::all_violations(r), 0u);
  ASSERT_EQ(report::connections(r).size(), 1u);
  EXPECT_FALSE(report::close_code(report::connections(r)[0]).has_value());
  for (const int op : {0, 7, 9, 10, 11}) {
    EXPECT_EQ(report::received(r, op), 0u) << "op " << op;
  }
}

}  // namespace
}  // namespace gatehouse::integration
