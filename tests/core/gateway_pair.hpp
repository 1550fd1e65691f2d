// A shard and a scripted fake gateway on one
// fake clock, for tests of whole conversations.
//
// The gateway performs the connections and closes the shard asks for, answers
// Hello, READY, heartbeat ACKs and resumes (replaying what the shard missed),
// and records everything the shard sends and emits. Nothing sleeps: advance()
// steps the clock from deadline to deadline.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/shard.hpp"

namespace gatehouse::core::testing {

inline constexpr std::string_view test_token = "test-token-not-real.abc.def";
inline constexpr std::string_view test_gateway = "wss://gateway.test/";
inline constexpr std::string_view test_resume = "wss://resume.test";

// One payload the shard transmitted, parsed back.
struct sent_payload {
  int op;
  boost::json::value d;
  std::string text;
  time_point at;
  int connection;  // 1 for the first connection the gateway accepted
};

// A dispatch as the application saw it, copied out of the shard's views.
struct delivered {
  std::string name;
  std::uint64_t sequence;
  std::string data;
};

class gateway_pair {
 public:
  // Options every test starts from: a fake token,
  // the test gateway URL, a fixed random value.
  static shard_options default_options();

  explicit gateway_pair(shard_options options = default_options());

  // What the fake gateway does on its own.
  duration heartbeat_interval = milliseconds(1000);
  bool auto_hello = true;            // Hello as soon as a connection opens
  bool auto_ack = true;              // ACK each heartbeat
  bool auto_ready = true;            // READY right after identify
  bool auto_resume = true;           // replay and RESUMED right after resume
  bool accept_connections = true;    // false: each connection attempt fails
  std::uint64_t replay_overlap = 0;  // replay this many already-seen dispatches as well
  std::string resume_url{test_resume};
  double random_value = 0.5;  // what the shard's random source returns

  shard& client() { return client_; }
  time_point now() const { return now_; }
  bool is_open() const { return open_; }

  void start();

  // Handles what the shard asks for after a direct
  // call on client(), until nothing is left.
  void pump();

  // Moves the clock forward by `d`, handling every deadline on the way.
  void advance(duration d);

  // The gateway sends a dispatch with its next sequence; it is kept for replay
  // either way, and delivered only when a connection is open.
  void dispatch(std::string_view type, std::string_view d = "{}");

  // A dispatch the shard misses: kept for
  // replay, never delivered on this connection.
  void dispatch_missed(std::string_view type, std::string_view d = "{}");

  // The gateway sends raw text on the open connection.
  void send(std::string_view text);

  // The gateway closes the open connection
  // with `code` (0: the transport dropped).
  void server_close(std::uint16_t code);

  // Records.
  std::vector<sent_payload> sent;
  std::vector<connect_request> connects;
  std::vector<close_request> closes;  // the shard's own
  std::vector<delivered> dispatches;
  std::vector<event> lifecycle;  // every event but dispatches

  std::vector<sent_payload> sent_with(int op) const;
  std::size_t count(int op) const { return sent_with(op).size(); }
  // Lifecycle events of one kind.
  template <class T>
  std::vector<T> events_of() const {
    std::vector<T> out;
    for (const auto& e : lifecycle) {
      if (const T* t = std::get_if<T>(&e)) {
        out.push_back(*t);
      }
    }
    return out;
  }
  std::uint64_t server_sequence() const { return seq_; }

 private:
  bool drain();
  void answer(const outgoing& o);
  void send_ready();

  time_point now_{};
  shard client_;
  bool open_ = false;
  bool authenticated_ = false;  // READY or RESUMED went out on this connection
  int connection_ = 0;
  int session_count_ = 0;
  std::uint64_t seq_ = 0;
  std::vector<std::pair<std::uint64_t, std::string>> history_;  // dispatches, for replay
  std::string last_message_;       // the message the shard handled last, which its events view
  std::deque<std::string> inbox_;  // what the gateway has yet to deliver
};

}  // namespace gatehouse::core::testing
