// Loopback tests of the test gateway's edges: REST on the main port, compression, TLS, bad
// HTTP input, and the traffic stream.
#include "testgw/server.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>

#include "gateway_fixture.hpp"
#include "testgw/tls.hpp"

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;
using namespace testing;

std::string bot_auth() {
  return "Bot " + std::string(fake_token);
}

TEST(server_edges_test, gateway_bot_points_at_the_main_port) {
  running_gateway gw;
  auto r = http_request(gw.ports.main, "GET", "/api/v10/gateway/bot", {}, bot_auth());
  ASSERT_EQ(r.status, 200u);
  auto body = json::parse(r.body);
  EXPECT_EQ(body.at("url").as_string(), "ws://127.0.0.1:" + std::to_string(gw.ports.main));
  EXPECT_EQ(body.at("session_start_limit").at("remaining").as_int64(), 1000);
}

TEST(server_edges_test, identify_lowers_the_reported_session_starts) {
  running_gateway gw;
  ASSERT_FALSE(gw.client()->identify().empty());
  auto r = http_request(gw.ports.main, "GET", "/api/v10/gateway/bot", {}, bot_auth());
  EXPECT_EQ(json::parse(r.body).at("session_start_limit").at("remaining").as_int64(), 999);
}

TEST(server_edges_test, posted_message_is_dispatched_to_the_session) {
  running_gateway gw;
  auto c = gw.client();
  ASSERT_FALSE(c->identify(513 | (1u << 15)).empty());
  auto channel = gw.gateway.content().guilds().front().channels.front().id;
  auto r = http_request(gw.ports.main, "POST",
                        "/api/v10/channels/" + std::to_string(channel) + "/messages",
                        R"({"content":"hello from rest"})", bot_auth());
  ASSERT_EQ(r.status, 200u);
  auto created = c->read_until(0, "MESSAGE_CREATE");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->at("d").at("content").as_string(), "hello from rest");
}

TEST(server_edges_test, zlib_stream_messages_decode_with_one_context) {
  running_gateway gw;
  auto c = gw.client("/?v=10&encoding=json&compress=zlib-stream");
  EXPECT_FALSE(c->identify().empty());
  EXPECT_GE(c->binary_messages(), 2u);
}

TEST(server_edges_test, zstd_stream_messages_decode_with_one_context) {
  running_gateway gw;
  auto c = gw.client("/?v=10&encoding=json&compress=zstd-stream");
  EXPECT_FALSE(c->identify().empty());
  EXPECT_GE(c->binary_messages(), 2u);
}

TEST(server_edges_test, unknown_compression_is_refused) {
  running_gateway gw;
  auto c = gw.client("/?v=10&encoding=json&compress=lz4");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->wait_close(), 1003);
}

TEST(server_edges_test, malformed_http_gets_400) {
  running_gateway gw;
  auto answer = raw_exchange(gw.ports.main, "GARBAGE\x01 / HTTP/9\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
}

TEST(server_edges_test, header_flood_gets_431) {
  running_gateway gw;
  std::string request =
      "GET /api/v10/gateway HTTP/1.1\r\nHost: x\r\nX-Flood: " + std::string(64 * 1024, 'a') +
      "\r\n\r\n";
  auto answer = raw_exchange(gw.ports.main, request);
  EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer.substr(0, 40);
}

TEST(server_edges_test, unmasked_client_frame_is_refused_with_1002) {
  running_gateway gw;

  // A valid upgrade, then, once answered, a text frame without the mask every client frame
  // must carry.
  std::string upgrade =
      "GET /?v=10&encoding=json HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n";
  std::string frame = "\x81\x05hello";
  auto answer = raw_exchange(gw.ports.main, upgrade, 3s, frame);
  EXPECT_EQ(answer.rfind("HTTP/1.1 101", 0), 0u);
  auto close = answer.find("\x88");
  ASSERT_NE(close, std::string::npos);
  EXPECT_EQ(answer.substr(close + 2, 2), std::string("\x03\xea", 2));
}

TEST(server_edges_test, body_over_the_cap_gets_413) {
  auto options = test_options();
  options.max_http_body = 1024;
  running_gateway gw(options);
  auto r = http_request(gw.ports.main, "POST", "/api/v10/channels/1/messages",
                        std::string(4096, 'x'), bot_auth());
  EXPECT_EQ(r.status, 413u);
}

TEST(server_edges_test, unknown_control_route_gets_404) {
  running_gateway gw;
  EXPECT_EQ(http_request(gw.ports.main, "GET", "/control/nothing").status, 404u);
}

TEST(server_edges_test, traffic_stream_reaches_the_reader_in_order) {
  running_gateway gw;
  auto c = gw.client();
  ASSERT_FALSE(c->identify(0x331FFFF & ~((1u << 1) | (1u << 8))).empty());
  std::int64_t last = 1;
  for (std::size_t i = 0; i < gw.gateway.content().guilds().size(); ++i) {
    last = c->read_until(0, "GUILD_CREATE")->at("s").as_int64();
  }
  traffic_run run;
  run.count = 2000;
  gw.gateway.start_traffic(run);

  // The stream ends when nothing more comes for a second.
  std::uint64_t dispatches = 0;
  while (auto v = c->read_json(1s)) {
    if (v->at("op").as_int64() == 0) {
      EXPECT_EQ(v->at("s").as_int64(), last + 1);
      last = v->at("s").as_int64();
      ++dispatches;
    }
  }
  auto stats = gw.gateway.traffic();
  EXPECT_EQ(stats.generated, 2000u);
  EXPECT_FALSE(stats.running);
  EXPECT_EQ(dispatches, stats.sent);
  EXPECT_GT(dispatches, 1000u);
}

TEST(server_edges_test, slow_reader_is_dropped_not_buffered) {
  auto options = test_options();
  options.max_send_queue = 256 * 1024;
  running_gateway gw(options);
  std::string session;
  auto c = gw.client();
  session = c->identify(0x331FFFF & ~((1u << 1) | (1u << 8)));
  traffic_run run;
  run.generator.events_per_second = 50000;
  gw.gateway.start_traffic(run);

  // The client reads nothing; the socket buffers fill, then the send queue passes its bound.
  json::value dropped = nullptr;
  for (int i = 0; i < 100 && dropped.is_null(); ++i) {
    std::this_thread::sleep_for(50ms);
    auto report = gw.gateway.session_report(session);
    for (const auto& v : report.at("connections").at(0).at("violations").as_array()) {
      if (v.at("reply").as_string() == "drop") {
        dropped = v;
      }
    }
  }
  gw.gateway.stop_traffic();
  ASSERT_TRUE(dropped.is_object());
  EXPECT_NE(dropped.at("what").as_string().find("slow reader"), std::string::npos);
}

TEST(server_edges_test, tls_gateway_serves_wss_with_a_generated_certificate) {
  auto options = test_options();
  options.tls.enabled = true;
  running_gateway gw(options);
  ASSERT_FALSE(gw.gateway.generated_cert_pem().empty());
  EXPECT_EQ(gw.gateway.gateway_url().rfind("wss://", 0), 0u);

  namespace asio = boost::asio;
  namespace beast = boost::beast;
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.add_certificate_authority(asio::buffer(gw.gateway.generated_cert_pem()));
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, ctx);
  beast::get_lowest_layer(ws).connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), gw.ports.main));
  ws.next_layer().set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  ws.next_layer().handshake(asio::ssl::stream_base::client);
  ws.handshake("127.0.0.1", "/?v=10&encoding=json");
  beast::flat_buffer buffer;
  ws.read(buffer);
  auto hello = json::parse(beast::buffers_to_string(buffer.data()));
  EXPECT_EQ(hello.at("op").as_int64(), 10);
}

TEST(server_edges_test, tls_gateway_serves_https_with_given_certificate_files) {
  auto pair = generate_self_signed();
  std::string cert = ::testing::TempDir() + "gws_cert.pem";
  std::string key = ::testing::TempDir() + "gws_key.pem";
  std::ofstream(cert) << pair.cert_pem;
  std::ofstream(key) << pair.key_pem;
  auto options = test_options();
  options.tls = {true, cert, key};
  running_gateway gw(options);
  EXPECT_TRUE(gw.gateway.generated_cert_pem().empty());
  EXPECT_EQ(gw.gateway.api_base().rfind("https://", 0), 0u);

  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.add_certificate_authority(asio::buffer(pair.cert_pem));
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), gw.ports.main));
  stream.handshake(asio::ssl::stream_base::client);
  http::request<http::empty_body> req{http::verb::get, "/api/v10/gateway", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(json::parse(res.body()).at("url").as_string(),
            "wss://127.0.0.1:" + std::to_string(gw.ports.main));
  std::remove(cert.c_str());
  std::remove(key.c_str());
}

}  // namespace
}  // namespace gatehouse::testgw
