// Sessions as the test gateway keeps them: what READY created, the dispatches sent with their
// sequences (a bounded replay buffer), and whether the session can still be resumed
// (gateway-spec.md §3.6, §3.9). No I/O; time is passed in.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "testgw/gateway_rules.hpp"

namespace gatehouse::testgw {

using frame_ptr = std::shared_ptr<const std::string>;

enum class session_state {
  active,    // a connection carries it
  detached,  // its connection ended; resumable until it expires
  ended,     // closed with 1000/1001, expired, timed out or invalidated
};

// Why a resume cannot continue a session.
enum class resume_verdict {
  ok,
  unknown_session,  // never existed, or ended by the client or a fault
  timed_out,        // ended because it was detached too long or missed heartbeats
  bad_sequence,     // seq is ahead of the session, or older than the replay buffer holds
};

struct replay_limits {
  std::size_t max_frames = 10000;
  std::size_t max_bytes = 64 * 1024 * 1024;
};

class gateway_session {
 public:
  using clock = std::chrono::steady_clock;

  gateway_session(std::string id, const identify_request& identity, replay_limits limits);

  const std::string& id() const { return id_; }
  const identify_request& identity() const { return identity_; }
  std::uint64_t sequence() const { return sequence_; }
  session_state state() const { return state_; }
  bool is_live() const { return state_ != session_state::ended; }
  bool timed_out() const { return timed_out_; }

  // Frames a dispatch with the next sequence and keeps it for replay; the oldest frames go
  // once the buffer is over its limits.
  frame_ptr append(std::string_view name, std::string_view d);

  // Counts `count` dispatches sent outside the replay buffer (the bench body, written as
  // pre-rendered bytes): the sequence moves past them and a resume from before their end
  // cannot be served, since they cannot be replayed.
  void skip(std::uint64_t count);

  // Whether a resume from `seq` can be served (§3.6).
  resume_verdict check_replay(std::uint64_t seq) const;

  // The frames after `seq`, in order, for the replay before RESUMED.
  std::vector<frame_ptr> frames_after(std::uint64_t seq) const;

  void attach() { state_ = session_state::active; }
  void detach(clock::time_point expires_at);
  void end(bool timed_out);

  clock::time_point expires_at() const { return expires_at_; }

 private:
  struct stored_frame {
    std::uint64_t seq;
    frame_ptr text;
  };

  std::string id_;
  identify_request identity_;
  replay_limits limits_;
  std::uint64_t sequence_ = 0;
  std::deque<stored_frame> replay_;
  std::size_t replay_bytes_ = 0;
  session_state state_ = session_state::active;
  bool timed_out_ = false;
  clock::time_point expires_at_{};
};

// Every session of this gateway run, oldest first.
class session_store {
 public:
  using clock = std::chrono::steady_clock;

  explicit session_store(replay_limits limits, std::uint64_t seed = 1);

  gateway_session& create(const identify_request& identity);
  gateway_session* find(std::string_view id);

  // Decides whether session `id` can resume from `seq` at `now`.
  resume_verdict check_resume(std::string_view id, std::uint64_t seq);

  // Ends the detached sessions whose window ran out by `now`; returns their ids.
  std::vector<std::string> expire(clock::time_point now);

  const std::vector<std::unique_ptr<gateway_session>>& all() const { return sessions_; }

 private:
  std::string next_id();

  replay_limits limits_;
  std::mt19937_64 random_;
  std::vector<std::unique_ptr<gateway_session>> sessions_;
  std::map<std::string, gateway_session*, std::less<>> by_id_;
};

}  // namespace gatehouse::testgw
