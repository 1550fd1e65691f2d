// The resume cases (G08, G09, G10, G11): where a resume goes, how many failed resumes are
// tried, and when the session is given up for a new identify on the main URL.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <iterator>

#include "core/error.hpp"
#include "harness.hpp"

namespace gatehouse::integration {
namespace {

namespace json = boost::json;
using testgw::fault_kind;

bool resumed_and_active(const recorded_client& c, std::size_t resumes) {
  return c.count(lifecycle_kind::resumed) == resumes && c.is_active();
}

bool has_new_session(const recorded_client& c, std::size_t readies) {
  return c.count(lifecycle_kind::ready) == readies && c.is_active();
}

std::vector<lifecycle_event> reconnects(const recorded_client& c) {
  std::vector<lifecycle_event> out;
  std::copy_if(c.lifecycle().begin(), c.lifecycle().end(), std::back_inserter(out),
               [](const auto& e) { return e.kind == lifecycle_kind::reconnecting; });
  return out;
}

struct started {
  explicit started(testgw::gateway_options o = fast_gateway())
      : net(std::move(o)), client(net.io, fast_client(net.gateway)) {
    EXPECT_FALSE(client.start());
    EXPECT_TRUE(run_until(
        net.io, [&] { return client.is_active(); }, 5s));
  }

  // The current connection stops reading and sending, as a dead network would; the client
  // finds out from its heartbeat and resumes. `also` runs while the connection is silent.
  void go_silent(const std::function<void()>& also) {
    net.gateway.inject(
        {.kind = fault_kind::go_silent, .session_id = client.session_id(), .lasting = 3s});
    also();
  }

  loopback net;
  recorded_client client;
};

// The first non-null heartbeat `d` of the session's latest connection, once there is one.
std::optional<std::uint64_t> first_sequence_beat(started& s) {
  std::optional<std::uint64_t> found;
  run_until(
      s.net.io,
      [&] {
        for (const auto& c : report::connections(s.net.gateway.report())) {
          if (!c.at("session_id").is_string() ||
              c.at("session_id").as_string() != s.client.session_id()) {
            continue;
          }
          for (const auto& d : report::heartbeats(c)) {
            if (!d.is_null()) {
              found = d.to_number<std::uint64_t>();
              return true;
            }
          }
        }
        return false;
      },
      5s);
  return found;
}

TEST(resume_test, case_g08_resume_uses_resume_gateway_url) {
  started s;
  s.net.gateway.inject({.kind = fault_kind::close, .code = 4000});
  ASSERT_TRUE(run_until(
      s.net.io, [&] { return resumed_and_active(s.client, 1); }, 5s));

  const auto r = s.net.gateway.report();
  EXPECT_EQ(report::received(r, 6, "resume"), 1u);
  EXPECT_EQ(report::received(r, 6, "main"), 0u);
  EXPECT_EQ(report::received(r, 2, "main"), 1u);
  EXPECT_EQ(report::received(r, 2, "resume"), 0u);
  EXPECT_NE(report::connections_on(r, "resume")[0].at("query").as_string().find("v=10"),
            std::string::npos);
}

TEST(resume_test, case_g08_refused_resume_url_falls_back_to_identify_on_main) {
  started s;

  // The resume edge retires: every new connection to it is closed at once.
  s.net.gateway.inject({.kind = fault_kind::refuse_resume, .count = 0, .lasting = 10s});
  s.net.gateway.inject({.kind = fault_kind::close, .code = 4000});
  ASSERT_TRUE(run_until(
      s.net.io, [&] { return has_new_session(s.client, 2); }, 10s));

  // The close, then at most three failed resumes, the last of them giving the session up.
  const auto tries = reconnects(s.client);
  ASSERT_GE(tries.size(), 2u);
  EXPECT_LE(tries.size(), 4u);
  EXPECT_EQ(tries.back().reason, error::resume_failed);
  EXPECT_FALSE(tries.back().resume);
  for (std::size_t i = 0; i + 1 < tries.size(); ++i) {
    EXPECT_TRUE(tries[i].resume);
  }

  const auto r = s.net.gateway.report();
  EXPECT_EQ(report::received(r, 2, "main"), 2u);
  EXPECT_EQ(report::received(r, 2, "resume"), 0u);
  EXPECT_EQ(report::received(r, 6, "main"), 0u);
  EXPECT_EQ(report::all_violations(r), 0u);
}

TEST(reconnect_test, case_g09_op7_is_answered_with_resume_on_a_new_socket) {
  started s;
  s.net.gateway.inject({.kind = fault_kind::reconnect});
  ASSERT_TRUE(run_until(
      s.net.io, [&] { return resumed_and_active(s.client, 1); }, 5s));

  // The server's own close of the old socket, later, changes nothing.
  run_for(s.net.io, 200ms);
  const auto first = report::connections(s.net.gateway.report()).front();
  EXPECT_NE(report::close_code(first).value_or(1000), 1000);
  EXPECT_NE(report::close_code(first).value_or(1001), 1001);

  const auto r = s.net.gateway.report();
  EXPECT_EQ(s.client.last(lifecycle_kind::reconnecting)->reason, error::reconnect_requested);
  EXPECT_EQ(report::received(r, 2), 1u);
  EXPECT_EQ(report::received(r, 6, "resume"), 1u);
  EXPECT_EQ(report::connections(r).size(), 2u);
}

TEST(reconnect_test, case_g09_op7_before_hello_still_resumes) {
  started s;

  // The next connections wait for Hello; op 7 arrives first on the one that is waiting.
  s.net.gateway.inject({.kind = fault_kind::delay_hello, .delay = 300ms, .lasting = 1s});
  s.net.gateway.inject({.kind = fault_kind::drop});
  ASSERT_TRUE(run_until(
      s.net.io, [&] { return s.net.gateway.connection_count() == 1 && !s.client.is_active(); },
      5s));
  s.net.gateway.inject({.kind = fault_kind::reconnect});
  ASSERT_TRUE(run_until(
      s.net.io, [&] { return resumed_and_active(s.client, 1); }, 5s));

  const auto r = s.net.gateway.report();
  EXPECT_EQ(report::received(r, 2), 1u);
  EXPECT_EQ(report::received(r, 6, "main"), 0u);
  EXPECT_GE(report::connections_on(r, "resume").size(), 2u);
}

TEST(reconnect_test, case_g09_resets_after_op7_end_in_identify_within_the_cap) {
  started s;

  // Every resume connection is reset right after the upgrade, for longer than the test.
  s.net.gateway.inject({.kind = fault_kind::reset_resume, .count = 0, .lasting = 10s});
  s.net.gateway.inject({.kind = fault_kind::reconnect});
  ASSERT_TRUE(run_until(
      s.net.io, [&] { return has_new_session(s.client, 2); }, 10s));

  const auto r = s.net.gateway.report();
  EXPECT_LE(report::connections_on(r, "resume").size(), 3u);
  EXPECT_EQ(report::received(r, 2, "main"), 2u);
  EXPECT_EQ(s.client.count(lifecycle_kind::resumed), 0u);

  // No identify was refused for the bucket's window or the budget.
  EXPECT_EQ(report::violations_with(r, 0), 0u);
}

testgw::gateway_options refusing_with_op9() {
  auto o = fast_gateway();
  o.refuse_resume_with = testgw::resume_refusal::invalid_session;
  return o;
}

TEST(invalid_session_test, case_g10_op9_false_brings_one_identify_after_the_wait) {
  started s(refusing_with_op9());
  const auto old_session = s.client.session_id();

  // The session ends while the connection is silent; the resume that follows gets op 9 false.
  s.go_silent([&] {
    s.net.gateway.inject({.kind = fault_kind::expire_session, .session_id = old_session});
  });
  ASSERT_TRUE(run_until(
      s.net.io, [&] { return has_new_session(s.client, 2); }, 10s));
  run_for(s.net.io, 300ms);

  const auto r = s.net.gateway.report();
  EXPECT_EQ(report::received(r, 6), 1u);
  EXPECT_EQ(report::received(r, 2), 2u);
  EXPECT_EQ(s.client.last(lifecycle_kind::reconnecting)->reason, error::session_invalidated);
  EXPECT_FALSE(s.client.last(lifecycle_kind::reconnecting)->resume);

  // The identify's connection opened after the op 9 wait (50-250 ms here, 1-5 s on Discord).
  double op9_at = -1;
  double identify_opened = -1;
  for (const auto& c : report::connections(r)) {
    for (const auto& v : c.at("violations").as_array()) {
      if (v.at("reply").as_string() == "invalid_session") {
        op9_at = v.at("at_ms").to_number<double>();
      }
    }
    if (op9_at >= 0 && report::opcode_count(c, 2) == 1 && report::opened_ms(c) > op9_at) {
      identify_opened = report::opened_ms(c);
    }
  }
  ASSERT_GE(op9_at, 0);
  ASSERT_GE(identify_opened, 0);
  EXPECT_GE(identify_opened - op9_at, 45.0);
  EXPECT_LE(identify_opened - op9_at, 250.0 + 300.0);
}

TEST(invalid_session_test, case_g10_op9_true_retries_the_resume) {
  started s;
  const auto session = s.client.session_id();
  s.net.gateway.inject({.kind = fault_kind::invalid_session, .resumable = true});
  ASSERT_TRUE(run_until(
      s.net.io, [&] { return resumed_and_active(s.client, 1); }, 5s));

  EXPECT_EQ(s.client.session_id(), session);
  const auto r = s.net.gateway.report();
  EXPECT_EQ(report::received(r, 6, "resume"), 1u);
  EXPECT_EQ(report::received(r, 2), 1u);
}

// After a resume is refused with `code`, the client starts a new session on the main URL, and
// its heartbeats carry the new session's sequence.
void expect_new_session_after(started& s, std::uint16_t code, std::uint64_t old_sequence,
                              const std::string& old_session) {
  ASSERT_TRUE(run_until(
      s.net.io, [&] { return has_new_session(s.client, 2); }, 10s));
  EXPECT_NE(s.client.session_id(), old_session);

  const auto refused = std::find_if(s.client.lifecycle().begin(), s.client.lifecycle().end(),
                                    [code](const auto& e) { return e.close_code == code; });
  ASSERT_NE(refused, s.client.lifecycle().end());
  EXPECT_EQ(refused->kind, lifecycle_kind::reconnecting);
  EXPECT_FALSE(refused->resume);

  // The connection after the refused resume is the main listener's, with an identify.
  const auto r = s.net.gateway.report();
  const auto conns = report::connections(r);
  const auto closed = std::find_if(conns.begin(), conns.end(),
                                   [code](const auto& c) { return report::close_code(c) == code; });
  ASSERT_NE(closed, conns.end());
  ASSERT_NE(closed + 1, conns.end());
  EXPECT_EQ((closed + 1)->at("listener").as_string(), "main");
  EXPECT_EQ(report::opcode_count(*(closed + 1), 2), 1u);
  EXPECT_EQ(report::received(r, 6, "main"), 0u);

  const auto beat = first_sequence_beat(s);
  ASSERT_TRUE(beat.has_value());
  EXPECT_LT(*beat, old_sequence);
}

TEST(invalid_session_test, case_g11_4007_starts_a_new_session_on_the_main_url) {
  auto o = fast_gateway();
  o.replay_limit = 5;
  started s(o);
  const auto old_session = s.client.session_id();

  // Ten dispatches the silent connection never delivers push its sequence out of the replay.
  s.go_silent([&] {
    for (int i = 0; i < 10; ++i) {
      s.net.gateway.dispatch("TYPING_START", json::object{{"n", i}});
    }
  });
  const auto old_sequence = s.client.dispatches().back().sequence + 10;
  expect_new_session_after(s, 4007, old_sequence, old_session);
}

TEST(invalid_session_test, case_g11_4009_starts_a_new_session_on_the_main_url) {
  started s;
  const auto old_session = s.client.session_id();
  s.go_silent([&] {
    for (int i = 0; i < 10; ++i) {
      s.net.gateway.dispatch("TYPING_START", json::object{{"n", i}});
    }
    s.net.gateway.inject({.kind = fault_kind::expire_session, .session_id = old_session});
  });
  const auto old_sequence = s.client.dispatches().back().sequence + 10;
  expect_new_session_after(s, 4009, old_sequence, old_session);
}

}  // namespace
}  // namespace gatehouse::integration
