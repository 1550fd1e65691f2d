// Loopback tests of the faults the test gateway stages on demand, through the in-process API
// and the /control endpoint, and of the report that records them.
#include "testgw/server.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway_fixture.hpp"

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;
using namespace testing;

fault make(fault_kind kind) {
  fault f;
  f.kind = kind;
  return f;
}

// A client that reached READY and read its GUILD_CREATEs.
std::unique_ptr<raw_client> ready_client(running_gateway& gw, std::string* session = nullptr) {
  auto c = gw.client();
  std::string id = c->identify();
  for (std::size_t i = 0; i < gw.gateway.content().guilds().size(); ++i) {
    c->read_until(0, "GUILD_CREATE");
  }
  if (session != nullptr) {
    *session = id;
  }
  return c;
}

TEST(faults_test, reconnect_sends_op_7) {
  running_gateway gw;
  auto c = ready_client(gw);
  gw.gateway.inject(make(fault_kind::reconnect));
  auto op7 = c->read_until(7);
  ASSERT_TRUE(op7);
  EXPECT_TRUE(op7->at("d").is_null());
}

TEST(faults_test, invalid_session_sends_op_9_with_resumable) {
  running_gateway gw;
  auto c = ready_client(gw);
  auto f = make(fault_kind::invalid_session);
  f.resumable = true;
  gw.gateway.inject(f);
  auto op9 = c->read_until(9);
  ASSERT_TRUE(op9);
  EXPECT_TRUE(op9->at("d").as_bool());
}

TEST(faults_test, heartbeat_request_sends_op_1) {
  running_gateway gw;
  auto c = ready_client(gw);
  gw.gateway.inject(make(fault_kind::heartbeat_request));
  EXPECT_TRUE(c->read_until(1));
}

TEST(faults_test, close_fault_closes_with_the_given_code) {
  running_gateway gw;
  auto c = ready_client(gw);
  auto f = make(fault_kind::close);
  f.code = 4000;
  gw.gateway.inject(f);
  EXPECT_EQ(c->wait_close(), 4000);
}

TEST(faults_test, drop_ends_tcp_without_a_close_frame) {
  running_gateway gw;
  auto c = ready_client(gw);
  gw.gateway.inject(make(fault_kind::drop));
  EXPECT_EQ(c->wait_close(), 0);
}

TEST(faults_test, fault_targets_only_its_session) {
  running_gateway gw;
  std::string first_id;
  auto first = ready_client(gw, &first_id);
  auto second = ready_client(gw);
  auto f = make(fault_kind::close);
  f.code = 4000;
  f.session_id = first_id;
  gw.gateway.inject(f);
  EXPECT_EQ(first->wait_close(), 4000);
  second->send(R"({"op":1,"d":null})");
  EXPECT_TRUE(second->read_until(11));
}

TEST(faults_test, withheld_acks_never_come) {
  running_gateway gw;
  auto c = ready_client(gw);
  gw.gateway.inject(make(fault_kind::withhold_acks));
  c->send(R"({"op":1,"d":null})");
  EXPECT_FALSE(c->read_until(11, {}, 300ms));
}

TEST(faults_test, delayed_ack_arrives_after_the_delay) {
  running_gateway gw;
  auto c = ready_client(gw);
  auto f = make(fault_kind::delay_acks);
  f.delay = 300ms;
  gw.gateway.inject(f);
  auto sent = std::chrono::steady_clock::now();
  c->send(R"({"op":1,"d":null})");
  ASSERT_TRUE(c->read_until(11));
  EXPECT_GE(std::chrono::steady_clock::now() - sent, 290ms);
}

TEST(faults_test, silent_connection_sends_nothing_and_acks_nothing) {
  running_gateway gw;
  auto c = ready_client(gw);
  gw.gateway.inject(make(fault_kind::go_silent));
  c->send(R"({"op":1,"d":null})");
  EXPECT_FALSE(c->read(300ms));
  EXPECT_TRUE(c->timed_out());
}

TEST(faults_test, delayed_hello_arrives_after_the_delay) {
  running_gateway gw;
  auto f = make(fault_kind::delay_hello);
  f.delay = 300ms;
  gw.gateway.inject(f);
  auto opened = std::chrono::steady_clock::now();
  auto c = gw.client();
  ASSERT_TRUE(c->read_until(10));
  EXPECT_GE(std::chrono::steady_clock::now() - opened, 290ms);
}

TEST(faults_test, refused_resume_listener_closes_the_connection) {
  running_gateway gw;
  auto f = make(fault_kind::refuse_resume);
  f.count = 1;
  gw.gateway.inject(f);
  EXPECT_FALSE(gw.client("/?v=10&encoding=json", true));
  EXPECT_TRUE(gw.client("/?v=10&encoding=json", true));
}

TEST(faults_test, reset_resume_drops_right_after_the_upgrade) {
  running_gateway gw;
  auto f = make(fault_kind::reset_resume);
  f.count = 1;
  gw.gateway.inject(f);
  auto c = gw.client("/?v=10&encoding=json", true);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->wait_close(), 0);
}

TEST(faults_test, expired_session_cannot_resume) {
  running_gateway gw;
  std::string session;
  auto c = ready_client(gw, &session);
  gw.gateway.inject(make(fault_kind::expire_session));
  EXPECT_TRUE(c->read_until(9));
  auto r = gw.client("/?v=10&encoding=json", true);
  r->read_until(10);
  r->send(resume_payload(session, 1));
  EXPECT_EQ(r->wait_close(), 4009);
}

TEST(faults_test, exhausted_budget_refuses_the_next_identify) {
  running_gateway gw;
  gw.gateway.inject(make(fault_kind::exhaust_session_budget));
  auto c = gw.client();
  c->read_until(10);
  c->send(identify_payload());
  EXPECT_TRUE(c->read_until(9));
}

TEST(faults_test, split_zlib_message_arrives_in_several_websocket_messages) {
  running_gateway gw;
  auto f = make(fault_kind::split_messages);
  f.parts = 3;
  gw.gateway.inject(f);
  auto c = gw.client("/?v=10&encoding=json&compress=zlib-stream");
  auto hello = c->read_until(10);
  ASSERT_TRUE(hello);
  EXPECT_EQ(c->binary_messages(), 3u);
}

TEST(faults_test, fragmented_frames_still_decode) {
  running_gateway gw;
  auto f = make(fault_kind::fragment_frames);
  f.fragment_size = 16;
  gw.gateway.inject(f);
  auto c = gw.client();
  EXPECT_FALSE(c->identify().empty());
}

TEST(faults_test, scheduled_fault_applies_at_its_time) {
  running_gateway gw;
  auto c = ready_client(gw);
  auto f = make(fault_kind::reconnect);
  f.at = 200ms;
  gw.gateway.schedule({f});
  EXPECT_TRUE(c->read_until(7, {}, 2s));
}

TEST(faults_test, control_endpoint_applies_a_fault) {
  running_gateway gw;
  auto c = ready_client(gw);
  auto r =
      http_request(gw.ports.main, "POST", "/control/faults", R"({"kind":"close","code":4000})");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(c->wait_close(), 4000);
}

TEST(faults_test, control_endpoint_refuses_a_misspelt_fault) {
  running_gateway gw;
  auto r = http_request(gw.ports.main, "POST", "/control/faults", R"({"kind":"clsoe"})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("clsoe"), std::string::npos);
}

TEST(faults_test, control_report_lists_faults_and_connections) {
  running_gateway gw;
  auto c = ready_client(gw);
  gw.gateway.inject(make(fault_kind::heartbeat_request));
  c->read_until(1);
  auto r = http_request(gw.ports.main, "GET", "/control/report");
  ASSERT_EQ(r.status, 200u);
  auto report = json::parse(r.body);
  EXPECT_EQ(report.at("faults").at(0).at("kind").as_string(), "heartbeat_request");
  const auto& conn = report.at("connections").at(0);
  EXPECT_EQ(conn.at("received_by_opcode").at("2").as_int64(), 1);
  EXPECT_EQ(conn.at("faults").at(0).as_string(), "heartbeat_request");
}

TEST(faults_test, report_records_heartbeat_timing_and_sequence) {
  running_gateway gw;
  std::string session;
  auto c = ready_client(gw, &session);
  c->send(R"({"op":1,"d":4})");
  c->read_until(11);
  auto report = gw.gateway.session_report(session);
  const auto& beat = report.at("connections").at(0).at("heartbeats").at(0);
  EXPECT_EQ(beat.at("d").as_int64(), 4);
  EXPECT_GT(beat.at("at_ms").as_double(), 0.0);
}

TEST(faults_test, heartbeat_sequence_ahead_of_the_session_is_recorded) {
  running_gateway gw;
  std::string session;
  auto c = ready_client(gw, &session);
  c->send(R"({"op":1,"d":999})");
  ASSERT_TRUE(c->read_until(11));
  auto report = gw.gateway.session_report(session);
  const auto& v = report.at("connections").at(0).at("violations").at(0);
  EXPECT_EQ(v.at("reply").as_string(), "none");
}

TEST(faults_test, rest_status_fault_answers_the_route_with_it) {
  running_gateway gw;
  auto f = make(fault_kind::rest_status);
  f.status = 502;
  f.route = "GET /gateway/bot";
  gw.gateway.inject(f);
  std::string auth = "Bot " + std::string(fake_token);
  EXPECT_EQ(http_request(gw.ports.main, "GET", "/api/v10/gateway/bot", {}, auth).status, 502u);
  EXPECT_EQ(http_request(gw.ports.main, "GET", "/api/v10/gateway/bot", {}, auth).status, 200u);
}

}  // namespace
}  // namespace gatehouse::testgw
