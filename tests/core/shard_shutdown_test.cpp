// Tests for ending a shard: close() ends the session, close_for_restart() hands it over to be
// resumed by a later process (gateway-spec.md §3.9).
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "gateway_pair.hpp"

namespace gatehouse::core {
namespace {

using testing::gateway_pair;

TEST(shard_shutdown_test, close_ends_the_session_with_1000) {
  gateway_pair g;
  g.start();
  g.client().close(g.now());
  g.advance(seconds(0));
  ASSERT_EQ(g.closes.size(), 1u);
  EXPECT_EQ(g.closes[0].code, 1000);
  EXPECT_EQ(g.client().state(), shard_state::closed);
  EXPECT_FALSE(g.client().session().can_resume());
  auto closed = g.events_of<closed_event>();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_FALSE(closed[0].resumable);
}

TEST(shard_shutdown_test, closed_shard_never_reconnects) {
  gateway_pair g;
  g.start();
  g.client().close(g.now());
  g.advance(seconds(300));
  EXPECT_EQ(g.connects.size(), 1u);
  EXPECT_FALSE(g.client().poll_timeout().has_value());
}

TEST(shard_shutdown_test, close_while_waiting_to_reconnect_stops_it) {
  gateway_pair g;
  g.start();
  g.server_close(4000);
  g.server_close(4000);  // the second waits for its backoff
  ASSERT_EQ(g.client().state(), shard_state::reconnect_wait);
  g.client().close(g.now());
  g.advance(seconds(60));
  EXPECT_EQ(g.connects.size(), 2u);
  EXPECT_TRUE(g.closes.empty());  // there was no connection to close
}

TEST(shard_shutdown_test, close_for_restart_keeps_the_session) {
  gateway_pair g;
  g.start();
  g.dispatch("MESSAGE_CREATE");
  session_state handed = g.client().close_for_restart(g.now());
  g.advance(seconds(0));
  ASSERT_EQ(g.closes.size(), 1u);
  EXPECT_GE(g.closes[0].code, 4000);
  EXPECT_LE(g.closes[0].code, 4999);
  EXPECT_EQ(handed.session_id, "session-1");
  EXPECT_EQ(handed.sequence, 2u);
  EXPECT_EQ(handed.resume_url, "wss://resume.test");
  EXPECT_TRUE(g.events_of<closed_event>().at(0).resumable);
}

TEST(shard_shutdown_test, handed_over_session_is_resumed_by_the_next_shard) {
  auto o = gateway_pair::default_options();
  o.resume_from = {.session_id = "session-1", .sequence = 42, .resume_url = "wss://resume.test/"};
  gateway_pair g(o);
  g.start();
  ASSERT_EQ(g.connects.size(), 1u);
  EXPECT_EQ(g.connects[0].url, "wss://resume.test/?v=10&encoding=json");
  EXPECT_TRUE(g.connects[0].resume);
  auto resumes = g.sent_with(6);
  ASSERT_EQ(resumes.size(), 1u);
  EXPECT_EQ(resumes[0].d.at("session_id"), "session-1");
  EXPECT_EQ(resumes[0].d.at("seq"), 42);
  EXPECT_EQ(g.count(2), 0u);
}

}  // namespace
}  // namespace gatehouse::core
