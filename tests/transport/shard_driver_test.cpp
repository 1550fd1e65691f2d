// Tests for the driver: the core shard run over real loopback connections to a scripted
// WebSocket server in the test. Covers what only the transport can get wrong: a fresh
// decompressor per connection, and faults that must close with a 4000-range code and resume.
#include "transport/shard_driver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/strand.hpp>

#include <algorithm>

#include "stream_compressors.hpp"
#include "ws_test_server.hpp"

namespace gatehouse::transport {
namespace {

namespace asio = boost::asio;

using testing::run_until;
using testing::server_connection;

constexpr std::string_view hello = R"({"op":10,"d":{"heartbeat_interval":45000}})";

struct driver_test : ::testing::Test {
  void SetUp() override {
    // Every server connection starts its own zlib stream, as the gateway does (§8.3).
    server.on_open = [this](server_connection& c) {
      deflaters.push_back(std::make_unique<testing::zlib_deflater>());
      c.send(deflaters.back()->message(hello), true);
    };
  }

  std::unique_ptr<shard_driver> make_driver(std::size_t limit = 1 << 24) {
    return make_driver(limit, [](core::shard_options&) {});
  }

  template <class Adjust>
  std::unique_ptr<shard_driver> make_driver(std::size_t limit, Adjust adjust) {
    core::shard_options o;
    o.token = "test-token-not-real.abc.def";
    o.intents = 513;
    o.gateway_url = server.url("");
    o.compression = core::transport_compression::zlib_stream;
    adjust(o);
    driver_options d;
    d.connection.compression = o.compression;
    d.connection.max_message_size = limit;
    return std::make_unique<shard_driver>(
        asio::make_strand(io), std::move(o), d,
        [this](const core::event& e) { events.push_back(e.index()); });
  }

  // Sends `text` on server connection `i`, compressed on that connection's stream.
  void send(std::size_t i, std::string_view text) {
    server.connections.at(i)->send(deflaters.at(i)->message(text), true);
  }

  // Runs the first connection to READY.
  void reach_ready(shard_driver& driver) {
    ASSERT_FALSE(driver.start());
    ASSERT_TRUE(run_until(
        io, [&] { return !server.connections.empty() && server.connections[0]->has_op(2); }));
    send(0, R"({"op":0,"s":1,"t":"READY","d":{"session_id":"s1","resume_gateway_url":")" +
                server.url("") + R"("}})");
    ASSERT_TRUE(run_until(io, [&] { return driver.shard().is_active(); }));
  }

  bool resumed_on_second_connection() {
    return run_until(
        io, [&] { return server.connections.size() == 2 && server.connections[1]->has_op(6); });
  }

  asio::io_context io;
  testing::ws_test_server server{io};
  std::vector<std::unique_ptr<testing::zlib_deflater>> deflaters;
  std::vector<std::size_t> events;
};

TEST_F(driver_test, new_connection_gets_a_fresh_decompressor) {
  auto driver = make_driver();
  reach_ready(*driver);

  // The second connection's Hello opens a new zlib stream; the resume needs it decoded.
  server.connections[0]->drop();

  ASSERT_TRUE(resumed_on_second_connection());
  EXPECT_FALSE(server.connections[1]->has_op(2));
}

TEST_F(driver_test, corrupt_stream_closes_with_a_4000_range_code_and_resumes) {
  auto driver = make_driver();
  reach_ready(*driver);
  server.connections[0]->send(std::string("\x01\x02\x03\x00\x00\xff\xff", 7), true);

  ASSERT_TRUE(resumed_on_second_connection());
  const auto code = server.connections[0]->close_code;
  EXPECT_GE(code, 4000);
  EXPECT_LT(code, 5000);
}

TEST_F(driver_test, case_g20_zstd_corrupt_block_closes_and_resumes_on_a_fresh_context) {
  std::vector<std::unique_ptr<testing::zstd_compressor>> zstd;
  server.on_open = [&zstd](server_connection& c) {
    zstd.push_back(std::make_unique<testing::zstd_compressor>());
    c.send(zstd.back()->message(hello), true);
  };
  auto driver = make_driver(1 << 24, [](core::shard_options& o) {
    o.compression = core::transport_compression::zstd_stream;
  });
  ASSERT_FALSE(driver->start());
  ASSERT_TRUE(run_until(
      io, [&] { return !server.connections.empty() && server.connections[0]->has_op(2); }));
  server.connections[0]->send(
      zstd[0]->message(
          R"({"op":0,"s":1,"t":"READY","d":{"session_id":"s1","resume_gateway_url":")" +
          server.url("") + R"("}})"),
      true);
  ASSERT_TRUE(run_until(io, [&] { return driver->shard().is_active(); }));

  // The next message opens with a block header; block type 3 is reserved and never valid.
  auto bytes = zstd[0]->message(testing::big_dispatch(4000, 7));
  bytes[0] = static_cast<char>(bytes[0] | 0x06);
  server.connections[0]->send(bytes, true);

  ASSERT_TRUE(resumed_on_second_connection());
  EXPECT_GE(server.connections[0]->close_code, 4000);
  EXPECT_LT(server.connections[0]->close_code, 5000);
}

TEST_F(driver_test, malformed_json_closes_with_a_4000_range_code_and_resumes) {
  auto driver = make_driver();
  reach_ready(*driver);
  server.connections[0]->send_text("{\"op\":0,\"s\":2,\"t\":");

  ASSERT_TRUE(resumed_on_second_connection());
  EXPECT_GE(server.connections[0]->close_code, 4000);
  EXPECT_LT(server.connections[0]->close_code, 5000);
}

TEST_F(driver_test, oversized_message_closes_with_a_4000_range_code_and_resumes) {
  auto driver = make_driver(64 * 1024);
  reach_ready(*driver);
  send(0, testing::big_dispatch(200 * 1024, 3));

  ASSERT_TRUE(resumed_on_second_connection());
  EXPECT_GE(server.connections[0]->close_code, 4000);
  EXPECT_LT(server.connections[0]->close_code, 5000);
}

TEST_F(driver_test, close_ends_the_session_with_1000) {
  auto driver = make_driver();
  reach_ready(*driver);
  driver->close();

  ASSERT_TRUE(run_until(io, [&] { return server.connections[0]->ended; }));
  EXPECT_EQ(server.connections[0]->close_code, 1000);
  run_until(
      io, [] { return false; }, std::chrono::milliseconds(100));
  EXPECT_EQ(server.connections.size(), 1u);
}

TEST_F(driver_test, case_g18_heartbeats_go_on_while_a_big_message_is_buffering) {
  server.on_open = [this](server_connection& c) {
    deflaters.push_back(std::make_unique<testing::zlib_deflater>());
    c.send(deflaters.back()->message(R"({"op":10,"d":{"heartbeat_interval":100}})"), true);
  };
  auto driver = make_driver(1 << 24, [](core::shard_options& o) { o.random = [] { return 0.5; }; });
  reach_ready(*driver);
  auto& peer = *server.connections[0];
  const auto big = deflaters[0]->message(testing::big_dispatch(300 * 1024, 5), 4);

  // Half the message arrives, the rest much later; meanwhile every heartbeat is acknowledged.
  peer.send(big.substr(0, big.size() / 2), true);
  std::size_t acked = 0;
  const auto beats = [&] {
    return std::count_if(peer.received.begin(), peer.received.end(),
                         [](const std::string& m) { return m.find(R"("op":1,)") == 1; });
  };
  run_until(
      io,
      [&] {
        for (; acked < static_cast<std::size_t>(beats()); ++acked) {
          peer.send_text(R"({"op":11})");
        }
        return acked >= 4;
      },
      std::chrono::seconds(3));
  EXPECT_GE(acked, 4u);

  const auto dispatches = std::count(events.begin(), events.end(), 0);
  peer.send(big.substr(big.size() / 2), true);
  ASSERT_TRUE(
      run_until(io, [&] { return std::count(events.begin(), events.end(), 0) == dispatches + 1; }));
  EXPECT_EQ(server.connections.size(), 1u);
}

}  // namespace
}  // namespace gatehouse::transport
