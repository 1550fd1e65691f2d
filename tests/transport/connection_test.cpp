// Tests for one gateway connection against a tiny WebSocket server in the test (no test
// gateway): decoding across frames, the writer queue, closes and faults.
#include "transport/connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/strand.hpp>

#include "core/error.hpp"
#include "recording_listener.hpp"
#include "stream_compressors.hpp"
#include "transport/message_buffer.hpp"
#include "ws_test_server.hpp"

namespace gatehouse::transport {
namespace {

namespace asio = boost::asio;

using testing::recorder;
using testing::run_until;
using testing::server_connection;
using testing::ws_test_server;

struct connection_test : ::testing::Test {
  std::shared_ptr<connection> connect(core::transport_compression c, std::size_t limit = 1 << 24) {
    connection_options options;
    options.compression = c;
    options.max_message_size = limit;
    std::error_code ec;
    auto where = parse_endpoint(server.url(), ec);
    EXPECT_FALSE(ec);
    auto conn = make_connection(asio::make_strand(io), where, nullptr, options, events, ++ids);
    conn->start();
    return conn;
  }

  server_connection& wait_for_server_side() {
    EXPECT_TRUE(run_until(io, [&] {
      return events.opened == 1 && !server.connections.empty() && server.connections[0]->open;
    }));
    return *server.connections.at(0);
  }

  asio::io_context io;
  ws_test_server server{io};
  recorder events;
  std::uint64_t ids = 0;
};

TEST_F(connection_test, text_messages_arrive_whole_with_padding) {
  auto conn = connect(core::transport_compression::none);
  auto& peer = wait_for_server_side();
  peer.send(R"({"op":10,"d":{"heartbeat_interval":41250}})", false, 4);

  ASSERT_TRUE(run_until(io, [&] { return events.messages.size() == 1; }));
  EXPECT_EQ(events.messages[0], R"({"op":10,"d":{"heartbeat_interval":41250}})");
  EXPECT_GE(events.min_padding, message_buffer::padding);
}

TEST_F(connection_test, zlib_stream_split_across_frames_and_messages_decodes) {
  auto conn = connect(core::transport_compression::zlib_stream);
  auto& peer = wait_for_server_side();
  testing::zlib_deflater deflater;
  const auto big = testing::big_dispatch(300 * 1024, 1);

  // One message in 5 compressed chunks, sent as 3 WebSocket messages of 1-4 frames each,
  // the last cut inside the 00 00 FF FF suffix; then small ones on the same stream.
  const auto bytes = deflater.message(big, 5);
  const auto parts = testing::split_at(bytes, {bytes.size() / 3, bytes.size() - 2});
  peer.send(parts[0], true, 4);
  peer.send(parts[1], true, 3);
  peer.send(parts[2], true, 1);
  for (int i = 0; i < 10; ++i) {
    peer.send(deflater.message(testing::big_dispatch(100, i)), true, 2);
  }

  ASSERT_TRUE(run_until(io, [&] { return events.messages.size() == 11; }));
  EXPECT_EQ(events.messages[0], big);
  EXPECT_EQ(events.messages[10], testing::big_dispatch(100, 9));
  EXPECT_TRUE(events.errors.empty());
}

TEST_F(connection_test, zstd_stream_split_across_frames_decodes) {
  auto conn = connect(core::transport_compression::zstd_stream);
  auto& peer = wait_for_server_side();
  testing::zstd_compressor compressor;
  const auto big = testing::big_dispatch(1024 * 1024, 2);

  peer.send(compressor.message(R"({"op":10,"d":{"heartbeat_interval":41250}})"), true, 1);
  peer.send(compressor.message(big, 8), true, 5);
  peer.send(compressor.message(R"({"op":11})", 2), true, 2);

  ASSERT_TRUE(run_until(io, [&] { return events.messages.size() == 3; }));
  EXPECT_EQ(events.messages[1], big);
  EXPECT_EQ(events.messages[2], R"({"op":11})");
}

TEST_F(connection_test, corrupt_stream_reports_decompression_failed) {
  auto conn = connect(core::transport_compression::zlib_stream);
  auto& peer = wait_for_server_side();
  peer.send(std::string("\x78\x9c\xff\xff\xff\x00\x00\xff\xff", 9), true);

  ASSERT_TRUE(run_until(io, [&] { return !events.errors.empty(); }));
  EXPECT_EQ(events.errors[0], error::decompression_failed);
  EXPECT_EQ(events.closed, 0);
}

TEST_F(connection_test, message_over_the_limit_reports_message_too_large) {
  auto conn = connect(core::transport_compression::none, 1000);
  auto& peer = wait_for_server_side();
  peer.send(std::string(5000, ' '), false, 3);

  ASSERT_TRUE(run_until(io, [&] { return !events.errors.empty(); }));
  EXPECT_EQ(events.errors[0], error::message_too_large);
  EXPECT_TRUE(events.messages.empty());
}

TEST_F(connection_test, heartbeat_goes_ahead_of_queued_messages) {
  auto conn = connect(core::transport_compression::none);
  auto& peer = wait_for_server_side();

  // The first send is written at once; the rest wait in the queue.
  for (int i = 0; i < 4; ++i) {
    conn->send("command " + std::to_string(i), false);
  }
  conn->send("heartbeat", true);

  ASSERT_TRUE(run_until(io, [&] { return peer.received.size() == 5; }));
  EXPECT_EQ(peer.received[0], "command 0");
  EXPECT_EQ(peer.received[1], "heartbeat");
  EXPECT_EQ(peer.received[4], "command 3");
}

TEST_F(connection_test, peer_close_code_is_reported) {
  auto conn = connect(core::transport_compression::none);
  auto& peer = wait_for_server_side();
  peer.close(4009);

  ASSERT_TRUE(run_until(io, [&] { return events.closed == 1; }));
  EXPECT_EQ(events.close_code, 4009);
}

TEST_F(connection_test, drop_without_close_frame_is_reported_as_code_0) {
  auto conn = connect(core::transport_compression::none);
  auto& peer = wait_for_server_side();
  peer.drop();

  ASSERT_TRUE(run_until(io, [&] { return events.closed == 1; }));
  EXPECT_EQ(events.close_code, 0);
}

TEST_F(connection_test, close_sends_the_code_and_reports_nothing_more) {
  auto conn = connect(core::transport_compression::none);
  auto& peer = wait_for_server_side();
  conn->close(4900, "restarting");
  peer.send_text(R"({"op":11})");

  ASSERT_TRUE(run_until(io, [&] { return peer.ended; }));
  EXPECT_EQ(peer.close_code, 4900);
  run_until(
      io, [] { return false; }, std::chrono::milliseconds(100));
  EXPECT_EQ(events.closed, 0);
  EXPECT_TRUE(events.messages.empty());
}

TEST_F(connection_test, aborted_connection_reports_nothing_more) {
  auto conn = connect(core::transport_compression::none);
  auto& peer = wait_for_server_side();
  conn->abort();
  peer.close(4000);

  ASSERT_TRUE(run_until(io, [&] { return peer.ended; }));
  run_until(
      io, [] { return false; }, std::chrono::milliseconds(100));
  EXPECT_EQ(events.closed, 0);
  EXPECT_TRUE(events.errors.empty());
}

TEST_F(connection_test, a_ping_is_answered_with_its_payload) {
  auto conn = connect(core::transport_compression::none);
  auto& peer = wait_for_server_side();
  peer.ping("are you there");

  ASSERT_TRUE(run_until(io, [&] { return !peer.pongs.empty(); }));
  EXPECT_EQ(peer.pongs[0], "are you there");
}

TEST_F(connection_test, a_peer_that_never_answers_our_close_is_dropped_after_the_timeout) {
  server.on_open = [](server_connection& c) { c.reads = false; };
  connection_options options;
  options.handshake_timeout = std::chrono::milliseconds(200);
  std::error_code ec;
  auto conn = make_connection(asio::make_strand(io), parse_endpoint(server.url(), ec), nullptr,
                              options, events, 1);
  conn->start();
  ASSERT_TRUE(run_until(io, [&] { return events.opened == 1; }));
  conn->close(1000, "");

  // Held only by its own pending read and timer: released once the timer drops the socket.
  const std::weak_ptr<connection> watched = conn;
  conn.reset();
  EXPECT_FALSE(run_until(
      io, [&] { return watched.expired(); }, std::chrono::milliseconds(100)));
  EXPECT_TRUE(run_until(
      io, [&] { return watched.expired(); }, std::chrono::seconds(2)));
}

TEST_F(connection_test, refused_tcp_connect_reports_connect_failed) {
  connection_options options;
  std::error_code ec;
  const auto where = parse_endpoint("ws://127.0.0.1:1/", ec);
  auto conn = make_connection(asio::make_strand(io), where, nullptr, options, events, 1);
  conn->start();

  ASSERT_TRUE(run_until(io, [&] { return !events.errors.empty(); }));
  EXPECT_EQ(events.errors[0], error::connect_failed);
  EXPECT_EQ(events.opened, 0);
}

}  // namespace
}  // namespace gatehouse::transport
