// Sessions and their replay buffers.
#include "testgw/session_store.hpp"

#include <algorithm>
#include <cstdio>

#include "testgw/frames.hpp"

namespace gatehouse::testgw {

gateway_session::gateway_session(std::string id, const identify_request& identity,
                                 replay_limits limits)
    : id_(std::move(id)), identity_(identity), limits_(limits) {}

frame_ptr gateway_session::append(std::string_view name, std::string_view d) {
  auto frame = std::make_shared<const std::string>(dispatch_frame(name, ++sequence_, d));
  replay_.push_back({sequence_, frame});
  replay_bytes_ += frame->size();

  // Bounded memory: a session that falls too far behind loses its oldest frames, and a
  // resume from before them gets bad_sequence.
  while (replay_.size() > limits_.max_frames ||
         (replay_bytes_ > limits_.max_bytes && replay_.size() > 1)) {
    replay_bytes_ -= replay_.front().text->size();
    replay_.pop_front();
  }

  return frame;
}

void gateway_session::skip(std::uint64_t count) {
  sequence_ += count;
  replay_.clear();
  replay_bytes_ = 0;
}

resume_verdict gateway_session::check_replay(std::uint64_t seq) const {
  if (seq > sequence_) {
    return resume_verdict::bad_sequence;  // a sequence the gateway never sent (§4: 4007)
  }
  std::uint64_t oldest = replay_.empty() ? sequence_ + 1 : replay_.front().seq;
  if (seq + 1 < oldest) {
    return resume_verdict::bad_sequence;  // frames after seq are no longer kept
  }
  return resume_verdict::ok;
}

std::vector<frame_ptr> gateway_session::frames_after(std::uint64_t seq) const {
  std::vector<frame_ptr> out;
  auto first = std::find_if(replay_.begin(), replay_.end(),
                            [seq](const stored_frame& f) { return f.seq > seq; });
  for (auto it = first; it != replay_.end(); ++it) {
    out.push_back(it->text);
  }
  return out;
}

void gateway_session::detach(clock::time_point expires_at) {
  if (state_ == session_state::active) {
    state_ = session_state::detached;
    expires_at_ = expires_at;
  }
}

void gateway_session::end(bool timed_out) {
  if (state_ != session_state::ended) {
    state_ = session_state::ended;
    timed_out_ = timed_out;
    replay_.clear();
    replay_bytes_ = 0;
  }
}

session_store::session_store(replay_limits limits, std::uint64_t seed)
    : limits_(limits), random_(seed) {}

std::string session_store::next_id() {
  // 32 hex digits, like Discord's session ids.
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(random_()),
                static_cast<unsigned long long>(random_()));
  return text;
}

gateway_session& session_store::create(const identify_request& identity) {
  auto session = std::make_unique<gateway_session>(next_id(), identity, limits_);
  gateway_session& ref = *session;
  by_id_.emplace(ref.id(), &ref);
  sessions_.push_back(std::move(session));

  return ref;
}

gateway_session* session_store::find(std::string_view id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

resume_verdict session_store::check_resume(std::string_view id, std::uint64_t seq) {
  gateway_session* session = find(id);
  if (session == nullptr) {
    return resume_verdict::unknown_session;
  }
  if (!session->is_live()) {
    return session->timed_out() ? resume_verdict::timed_out : resume_verdict::unknown_session;
  }
  return session->check_replay(seq);
}

std::vector<std::string> session_store::expire(clock::time_point now) {
  std::vector<std::string> ended;
  for (auto& session : sessions_) {
    if (session->state() == session_state::detached && now >= session->expires_at()) {
      session->end(true);
      ended.push_back(session->id());
    }
  }
  return ended;
}

}  // namespace gatehouse::testgw
