// Tests of sessions, their sequences and replay buffers.
#include "testgw/session_store.hpp"

#include <gtest/gtest.h>

namespace gatehouse::testgw {
namespace {

using clock = std::chrono::steady_clock;

identify_request shard_zero() {
  return identify_request{1, 0, 1, false};
}

TEST(session_store_test, dispatches_get_increasing_sequences) {
  session_store store({});
  auto& s = store.create(shard_zero());
  auto first = s.append("READY", "{}");
  auto second = s.append("GUILD_CREATE", R"({"id":"1"})");
  EXPECT_EQ(*first, R"({"t":"READY","s":1,"op":0,"d":{}})");
  EXPECT_EQ(*second, R"({"t":"GUILD_CREATE","s":2,"op":0,"d":{"id":"1"}})");
  EXPECT_EQ(s.sequence(), 2u);
}

TEST(session_store_test, session_ids_are_distinct_32_hex_digits) {
  session_store store({});
  auto& a = store.create(shard_zero());
  auto& b = store.create(shard_zero());
  EXPECT_EQ(a.id().size(), 32u);
  EXPECT_NE(a.id(), b.id());
  EXPECT_EQ(store.find(b.id()), &b);
}

TEST(session_store_test, replay_gives_the_frames_after_seq_in_order) {
  session_store store({});
  auto& s = store.create(shard_zero());
  for (int i = 0; i < 5; ++i) {
    s.append("MESSAGE_CREATE", "{}");
  }
  EXPECT_EQ(store.check_resume(s.id(), 3), resume_verdict::ok);
  auto frames = s.frames_after(3);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_NE(frames[0]->find(R"("s":4)"), std::string::npos);
  EXPECT_NE(frames[1]->find(R"("s":5)"), std::string::npos);
}

TEST(session_store_test, sequence_ahead_of_the_session_cannot_resume) {
  session_store store({});
  auto& s = store.create(shard_zero());
  s.append("READY", "{}");
  EXPECT_EQ(store.check_resume(s.id(), 2), resume_verdict::bad_sequence);
}

TEST(session_store_test, sequence_older_than_the_replay_buffer_cannot_resume) {
  session_store store({3, 1 << 20});
  auto& s = store.create(shard_zero());
  for (int i = 0; i < 10; ++i) {
    s.append("MESSAGE_CREATE", "{}");
  }
  EXPECT_EQ(store.check_resume(s.id(), 6), resume_verdict::bad_sequence);
  EXPECT_EQ(store.check_resume(s.id(), 7), resume_verdict::ok);
}

TEST(session_store_test, unknown_session_cannot_resume) {
  session_store store({});
  EXPECT_EQ(store.check_resume("0123", 0), resume_verdict::unknown_session);
}

TEST(session_store_test, ended_session_cannot_resume) {
  session_store store({});
  auto& s = store.create(shard_zero());
  s.append("READY", "{}");
  s.end(false);
  EXPECT_EQ(store.check_resume(s.id(), 1), resume_verdict::unknown_session);
}

TEST(session_store_test, detached_session_expires_after_its_window) {
  session_store store({});
  auto& s = store.create(shard_zero());
  s.append("READY", "{}");
  auto t0 = clock::time_point{} + std::chrono::hours(1);
  s.detach(t0 + std::chrono::seconds(10));

  EXPECT_TRUE(store.expire(t0 + std::chrono::seconds(9)).empty());
  EXPECT_EQ(store.check_resume(s.id(), 1), resume_verdict::ok);
  EXPECT_EQ(store.expire(t0 + std::chrono::seconds(10)).size(), 1u);
  EXPECT_EQ(store.check_resume(s.id(), 1), resume_verdict::timed_out);
}

}  // namespace
}  // namespace gatehouse::testgw
