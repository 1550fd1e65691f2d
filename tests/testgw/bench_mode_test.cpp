// Loopback tests of the gateway's bench mode with a plain Beast client: the pre-framed body
// arrives as ordinary WebSocket messages between the GUILD_CREATEs and BENCH_DONE, the live
// stream decodes after it, and the report times it.
#include "testgw/server.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway_fixture.hpp"
#include "testgw/compressor.hpp"

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;
using namespace testing;

constexpr std::uint64_t events = 300;

gateway_options bench_options() {
  auto o = test_options();
  o.bench_events = events;
  o.bench_generator.pool_size = 256;
  return o;
}

std::string target_for(compression kind) {
  std::string target = "/?v=10&encoding=json";
  if (kind != compression::none) {
    target += "&compress=" + std::string(compression_name(kind));
  }
  return target;
}

// Reads every dispatch after READY up to BENCH_DONE and checks their order; returns the last
// sequence, 0 on failure.
std::uint64_t read_bench_stream(raw_client& c, std::size_t guilds) {
  std::uint64_t seq = 1;
  std::size_t guild_creates = 0;
  std::size_t body = 0;
  while (auto v = c.read_json()) {
    if (v->at("op").as_int64() != 0) {
      continue;
    }
    EXPECT_EQ(v->at("s").as_int64(), static_cast<std::int64_t>(++seq));
    const auto& t = v->at("t").as_string();
    if (t == "BENCH_DONE") {
      EXPECT_EQ(v->at("d"), (json::object{{"events", events}}));
      EXPECT_EQ(guild_creates, guilds);
      EXPECT_EQ(body, events);
      return seq;
    }
    if (seq <= 1 + guilds) {
      EXPECT_EQ(t, "GUILD_CREATE");
      ++guild_creates;
    } else {
      ++body;
    }
  }
  ADD_FAILURE() << "the stream ended before BENCH_DONE";
  return 0;
}

void expect_body_then_live_stream(compression kind) {
  running_gateway gw(bench_options());
  auto c = gw.client(target_for(kind));
  ASSERT_FALSE(c->identify().empty());
  const auto last = read_bench_stream(*c, gw.gateway.content().guilds().size());
  ASSERT_GT(last, 0u);

  // After the splice: a heartbeat ACK and a dispatch decode on the same context.
  c->send(R"({"op":1,"d":)" + std::to_string(last) + "}");
  ASSERT_TRUE(c->read_until(11));
  gw.gateway.dispatch("AFTER_BENCH", json::object{{"n", 1}});
  auto after = c->read_until(0, "AFTER_BENCH");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->at("s").as_int64(), static_cast<std::int64_t>(last + 1));

  // The report: no violation, the whole body timed.
  const auto report = gw.gateway.report();
  const auto& session = report.at("sessions").as_array().at(0);
  EXPECT_EQ(session.at("bench").at("events").as_uint64(), events);
  EXPECT_TRUE(session.at("bench").at("complete").as_bool());
  EXPECT_TRUE(report.at("connections").as_array().at(0).at("violations").as_array().empty());
}

TEST(bench_mode_test, plain_body_arrives_between_guilds_and_bench_done) {
  expect_body_then_live_stream(compression::none);
}

TEST(bench_mode_test, zlib_body_splices_into_the_connection_stream) {
  expect_body_then_live_stream(compression::zlib_stream);
}

TEST(bench_mode_test, zstd_body_frame_sits_between_the_connection_frames) {
  expect_body_then_live_stream(compression::zstd_stream);
}

TEST(bench_mode_test, session_without_guilds_gets_a_body_numbered_for_it) {
  // No GUILDS intent: no GUILD_CREATE, so the body starts at s=2 and is rendered on demand.
  running_gateway gw(bench_options());
  auto c = gw.client(target_for(compression::zlib_stream));
  ASSERT_FALSE(c->identify(0).empty());
  EXPECT_EQ(read_bench_stream(*c, 0), 2 + events);
}

TEST(bench_mode_test, body_does_not_count_against_the_slow_reader_bound) {
  auto o = bench_options();
  o.max_send_queue = 64 * 1024;  // far less than the plain body
  running_gateway gw(o);
  auto c = gw.client();
  ASSERT_FALSE(c->identify().empty());
  EXPECT_GT(read_bench_stream(*c, gw.gateway.content().guilds().size()), 0u);
}

TEST(bench_mode_test, resume_from_inside_the_body_is_refused) {
  running_gateway gw(bench_options());
  std::string session_id;
  {
    auto c = gw.client();
    session_id = c->identify();
    ASSERT_FALSE(session_id.empty());
    ASSERT_GT(read_bench_stream(*c, gw.gateway.content().guilds().size()), 0u);
    c->close(4000);
  }

  // The body cannot be replayed, so a sequence inside it is one the gateway cannot serve (§3.6).
  auto r = gw.client("/?v=10&encoding=json", true);
  r->read_until(10);
  r->send(resume_payload(session_id, 10));
  EXPECT_EQ(r->wait_close(), 4007);
}

TEST(bench_mode_test, resume_after_the_body_replays_nothing_of_it) {
  running_gateway gw(bench_options());
  std::string session_id;
  std::uint64_t last = 0;
  {
    auto c = gw.client();
    session_id = c->identify();
    last = read_bench_stream(*c, gw.gateway.content().guilds().size());
    ASSERT_GT(last, 0u);
    c->close(4000);
  }

  auto r = gw.client("/?v=10&encoding=json", true);
  r->read_until(10);
  r->send(resume_payload(session_id, last));
  auto next = r->read_until(0);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->at("t").as_string(), "RESUMED");
}

}  // namespace
}  // namespace gatehouse::testgw
