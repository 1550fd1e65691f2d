// Tests for resuming: op 7, op 9, the sequence across resumes, replays delivered once, and the
// cap on failed resumes (gateway-spec.md §3.6-§3.8; cases G07-G10).
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "gateway_pair.hpp"

namespace gatehouse::core {
namespace {

using testing::gateway_pair;

constexpr std::string_view resume_query_url = "wss://resume.test/?v=10&encoding=json";
constexpr std::string_view gateway_query_url = "wss://gateway.test/?v=10&encoding=json";

// Backoff of 2 s doubling to 60 s, forgotten after 60 s active: the n-th delay is easy to read.
shard_options two_second_backoff() {
  auto o = gateway_pair::default_options();
  o.backoff = {.base = seconds(2), .cap = seconds(60), .reset_after = seconds(60)};
  return o;
}

TEST(shard_resume_test, case_g09_reconnect_request_closes_and_resumes) {
  gateway_pair g;
  g.start();
  g.dispatch("MESSAGE_CREATE");
  g.send(R"({"op":7,"d":null})");

  ASSERT_EQ(g.closes.size(), 1u);
  EXPECT_EQ(g.closes[0].code, resume_close_code);
  ASSERT_EQ(g.connects.size(), 2u);
  EXPECT_EQ(g.connects[1].url, resume_query_url);
  EXPECT_TRUE(g.connects[1].resume);
  auto resumes = g.sent_with(6);
  ASSERT_EQ(resumes.size(), 1u);
  EXPECT_EQ(resumes[0].connection, 2);
  EXPECT_EQ(resumes[0].d, boost::json::parse(R"({"token":"test-token-not-real.abc.def",
                                                "session_id":"session-1","seq":2})"));
  EXPECT_EQ(g.count(2), 1u);
  EXPECT_TRUE(g.client().is_active());
}

TEST(shard_resume_test, first_reconnect_after_healthy_session_is_immediate) {
  gateway_pair g;
  g.start();
  g.advance(seconds(90));
  g.send(R"({"op":7,"d":null})");
  EXPECT_EQ(g.events_of<reconnecting_event>().at(0).delay, duration::zero());
  EXPECT_EQ(g.sent_with(6).at(0).at, g.now());
}

TEST(shard_resume_test, reconnect_requests_on_a_working_session_never_back_off) {
  gateway_pair g;
  g.random_value = 0.5;
  g.start();
  for (int i = 0; i < 5; ++i) {
    g.send(R"({"op":7,"d":null})");
    ASSERT_TRUE(g.client().is_active());
  }
  for (const auto& r : g.events_of<reconnecting_event>()) {
    EXPECT_EQ(r.delay, duration::zero());
  }
  EXPECT_EQ(g.sent_with(6).size(), 5u);

  // They were not counted: the first failure after them is still immediate.
  g.server_close(4000);
  EXPECT_EQ(g.events_of<reconnecting_event>().back().delay, duration::zero());
}

TEST(shard_resume_test, reconnect_request_before_the_resume_completes_backs_off) {
  gateway_pair g(two_second_backoff());
  g.random_value = 0.5;
  g.start();
  g.auto_resume = false;
  g.send(R"({"op":7,"d":null})");  // the session worked: at once
  g.send(R"({"op":7,"d":null})");  // on the resuming connection: a failure, the first at once
  g.send(R"({"op":7,"d":null})");  // the second failure waits
  auto r = g.events_of<reconnecting_event>();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].delay, duration::zero());
  EXPECT_EQ(r[1].delay, duration::zero());
  EXPECT_EQ(r[2].delay, seconds(1));
}

TEST(shard_resume_test, reconnect_request_before_hello_reconnects) {
  gateway_pair g;
  g.start();
  g.auto_hello = false;
  g.send(R"({"op":7,"d":null})");
  ASSERT_EQ(g.connects.size(), 2u);
  g.send(R"({"op":7,"d":null})");  // again, before Hello on the new connection
  g.advance(seconds(1));
  ASSERT_EQ(g.connects.size(), 3u);
  EXPECT_TRUE(g.connects[2].resume);
  EXPECT_EQ(g.closes.size(), 2u);
}

TEST(shard_resume_test, reconnect_request_without_session_identifies) {
  gateway_pair g;
  g.auto_hello = false;
  g.start();
  g.send(R"({"op":7,"d":null})");
  ASSERT_EQ(g.connects.size(), 2u);
  EXPECT_FALSE(g.connects[1].resume);
  EXPECT_EQ(g.connects[1].url, gateway_query_url);
}

TEST(shard_resume_test, case_g07_heartbeat_carries_sequence_across_resume) {
  gateway_pair g;
  g.random_value = 0.0;
  g.start();
  for (int i = 0; i < 9; ++i) {
    g.dispatch("MESSAGE_CREATE");  // s = 2..10
  }
  g.send(R"({"t":null,"s":null,"op":11,"d":null})");
  g.send(R"({"t":null,"s":null,"op":1,"d":null})");
  g.server_close(4000);

  auto resumes = g.sent_with(6);
  ASSERT_EQ(resumes.size(), 1u);
  EXPECT_EQ(resumes[0].d.at("seq"), 10);
  // The beat the gateway asked for carried 10 too; the next carries RESUMED's sequence.
  EXPECT_EQ(g.sent_with(1).back().text, R"({"op":1,"d":10})");
  g.advance(milliseconds(1000));
  EXPECT_EQ(g.sent_with(1).back().text, R"({"op":1,"d":11})");  // RESUMED's own
}

TEST(shard_resume_test, case_g07_sequence_resets_with_a_new_session) {
  gateway_pair g;
  g.random_value = 0.0;
  g.start();
  for (int i = 0; i < 5; ++i) {
    g.dispatch("MESSAGE_CREATE");
  }
  g.send(R"({"op":9,"d":false})");
  g.advance(seconds(5));  // the wait, a new connection, identify, READY s=1
  ASSERT_EQ(g.count(2), 2u);
  ASSERT_TRUE(g.client().is_active());
  EXPECT_EQ(g.client().session().sequence, 1u);
  g.advance(milliseconds(1000));
  EXPECT_EQ(g.sent_with(1).back().text, R"({"op":1,"d":1})");
}

TEST(shard_resume_test, replayed_dispatches_are_delivered_once) {
  gateway_pair g;
  g.replay_overlap = 3;  // the gateway replays three dispatches the client already has
  g.start();
  for (int i = 0; i < 5; ++i) {
    g.dispatch("MESSAGE_CREATE");  // s = 2..6
  }
  g.send(R"({"op":7,"d":null})");
  std::vector<std::uint64_t> seqs;
  for (const auto& d : g.dispatches) {
    seqs.push_back(d.sequence);
  }
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(g.dispatches.back().name, "RESUMED");
}

TEST(shard_resume_test, dispatch_at_or_below_last_sequence_is_dropped) {
  gateway_pair g;
  g.start();
  g.send(R"({"t":"MESSAGE_CREATE","s":5,"op":0,"d":{}})");
  g.send(R"({"t":"MESSAGE_CREATE","s":5,"op":0,"d":{}})");
  g.send(R"({"t":"MESSAGE_CREATE","s":3,"op":0,"d":{}})");
  g.send(R"({"t":"MESSAGE_CREATE","s":6,"op":0,"d":{}})");
  ASSERT_EQ(g.dispatches.size(), 3u);  // READY, 5, 6
  EXPECT_EQ(g.dispatches[2].sequence, 6u);
  EXPECT_EQ(g.client().session().sequence, 6u);
}

TEST(shard_resume_test, resumed_event_counts_replayed_dispatches) {
  gateway_pair g;
  g.start();
  g.dispatch("A");
  g.server_close(0);  // a drop with no close frame
  auto resumed = g.events_of<resumed_event>();
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].replayed, 0u);
}

TEST(shard_resume_test, dispatches_missed_while_disconnected_are_replayed) {
  gateway_pair g;
  g.start();
  g.auto_hello = false;
  g.send(R"({"op":7,"d":null})");
  g.dispatch_missed("MISSED_ONE");
  g.dispatch_missed("MISSED_TWO");
  g.auto_hello = true;
  g.send(R"({"op":10,"d":{"heartbeat_interval":1000}})");
  auto resumed = g.events_of<resumed_event>();
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].replayed, 2u);
  ASSERT_EQ(g.dispatches.size(), 4u);
  EXPECT_EQ(g.dispatches[1].name, "MISSED_ONE");
  EXPECT_EQ(g.dispatches[2].name, "MISSED_TWO");
}

TEST(shard_resume_test, case_g10_invalid_session_false_waits_then_identifies_on_gateway_url) {
  auto o = gateway_pair::default_options();
  gateway_pair g(o);
  g.random_value = 0.5;  // the wait is 1 s + 0.5 * 4 s = 3 s
  g.start();
  g.send(R"({"op":9,"d":false})");

  EXPECT_EQ(g.closes.at(0).code, resume_close_code);
  EXPECT_FALSE(g.client().session().can_resume());
  auto r = g.events_of<reconnecting_event>();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].reason, error::session_invalidated);
  EXPECT_FALSE(r[0].resume);
  EXPECT_EQ(r[0].delay, seconds(3));

  g.advance(milliseconds(2999));
  EXPECT_EQ(g.connects.size(), 1u);
  g.advance(milliseconds(1));
  ASSERT_EQ(g.connects.size(), 2u);
  EXPECT_EQ(g.connects[1].url, gateway_query_url);
  g.advance(seconds(2));  // the identify bucket frees 5 s after the first identify
  EXPECT_EQ(g.count(2), 2u);
  EXPECT_EQ(g.count(6), 0u);
}

TEST(shard_resume_test, case_g10_invalid_session_wait_stays_within_bounds) {
  for (double r : {0.0, 0.999}) {
    gateway_pair g;
    g.random_value = r;
    g.start();
    g.send(R"({"op":9,"d":false})");
    const duration delay = g.events_of<reconnecting_event>().at(0).delay;
    EXPECT_GE(delay, seconds(1));
    EXPECT_LT(delay, seconds(5));
  }
}

TEST(shard_resume_test, case_g10_invalid_session_answer_to_resume_identifies_once) {
  gateway_pair g;
  g.start();
  g.auto_resume = false;
  g.send(R"({"op":7,"d":null})");
  ASSERT_EQ(g.count(6), 1u);
  g.send(R"({"op":9,"d":false})");
  g.advance(seconds(10));
  EXPECT_EQ(g.count(6), 1u);  // the old session is never resumed again
  EXPECT_EQ(g.count(2), 2u);
  EXPECT_EQ(g.client().session().session_id, "session-2");
}

TEST(shard_resume_test, case_g10_invalid_session_true_resumes) {
  gateway_pair g;
  g.start();
  g.send(R"({"op":9,"d":true})");
  EXPECT_EQ(g.closes.at(0).code, resume_close_code);
  ASSERT_EQ(g.connects.size(), 2u);
  EXPECT_TRUE(g.connects[1].resume);
  EXPECT_EQ(g.count(6), 1u);
  EXPECT_EQ(g.client().session().session_id, "session-1");
}

TEST(shard_resume_test, case_g08_resume_goes_to_resume_url_and_identify_to_gateway_url) {
  gateway_pair g;
  g.start();
  g.server_close(4000);
  g.server_close(4009);  // a new session: identify on the gateway URL
  g.advance(seconds(10));
  ASSERT_EQ(g.connects.size(), 3u);
  EXPECT_EQ(g.connects[0].url, gateway_query_url);
  EXPECT_EQ(g.connects[1].url, resume_query_url);
  EXPECT_EQ(g.connects[2].url, gateway_query_url);
  for (const auto& s : g.sent_with(6)) {
    EXPECT_EQ(s.connection, 2);
  }
  for (const auto& s : g.sent_with(2)) {
    EXPECT_NE(s.connection, 2);
  }
}

TEST(shard_resume_test, case_g08_resume_url_keeps_the_query) {
  auto o = gateway_pair::default_options();
  o.compression = transport_compression::zlib_stream;
  gateway_pair g(o);
  g.start();
  g.server_close(4000);
  EXPECT_EQ(g.connects.at(1).url, "wss://resume.test/?v=10&encoding=json&compress=zlib-stream");
}

TEST(shard_resume_test, case_g08_stale_resume_url_is_dropped_after_the_cap) {
  gateway_pair g;
  g.start();
  g.accept_connections = false;  // the resume endpoint refuses every connection
  g.server_close(4000);
  g.advance(seconds(3));
  g.accept_connections = true;
  g.advance(seconds(10));

  // Three resume attempts failed; then the session and its URL went, and identify followed.
  std::size_t to_resume = 0;
  for (const auto& c : g.connects) {
    to_resume += c.resume ? 1 : 0;
  }
  EXPECT_EQ(to_resume, 3u);
  EXPECT_EQ(g.connects.back().url, gateway_query_url);
  EXPECT_EQ(g.count(2), 2u);
  EXPECT_EQ(g.count(6), 0u);
  EXPECT_EQ(g.events_of<reconnecting_event>().at(3).reason, error::resume_failed);
  EXPECT_TRUE(g.client().is_active());
}

TEST(shard_resume_test, case_g09_failed_resumes_are_capped_then_identify) {
  gateway_pair g;
  g.start();
  g.send(R"({"op":7,"d":null})");
  ASSERT_TRUE(g.client().is_active());
  // Every later resume is reset by the gateway right after the upgrade.
  g.auto_resume = false;
  g.send(R"({"op":7,"d":null})");
  for (int i = 0; i < 10 && g.count(2) == 1; ++i) {
    g.server_close(0);
    g.advance(seconds(10));
  }
  EXPECT_EQ(g.count(6), 4u);  // one good resume, then the cap of three
  EXPECT_EQ(g.count(2), 2u);
}

TEST(shard_resume_test, server_close_1000_resumes) {
  gateway_pair g;
  g.start();
  g.server_close(1000);
  EXPECT_TRUE(g.connects.at(1).resume);
  EXPECT_EQ(g.count(6), 1u);
}

TEST(shard_resume_test, close_after_resume_backs_off) {
  gateway_pair g(two_second_backoff());
  g.random_value = 0.5;
  g.start();
  g.server_close(4000);  // immediate
  g.server_close(4000);  // the session was not stable yet: up to 2 s
  auto r = g.events_of<reconnecting_event>();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].delay, duration::zero());
  EXPECT_EQ(r[1].delay, seconds(1));
}

TEST(shard_resume_test, stable_session_resets_the_backoff) {
  gateway_pair g;
  g.random_value = 0.5;
  g.start();
  g.server_close(4000);
  g.server_close(4000);
  g.advance(seconds(1));
  ASSERT_TRUE(g.client().is_active());
  g.advance(seconds(60));
  g.server_close(4000);
  EXPECT_EQ(g.events_of<reconnecting_event>().back().delay, duration::zero());
}

}  // namespace
}  // namespace gatehouse::core
