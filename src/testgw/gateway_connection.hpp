// One client WebSocket on the test gateway, protocol side: Hello, the rules every payload
// must pass, identify and resume, heartbeat ACKs and the heartbeat deadline, and the faults
// staged on it. The socket side (ws_connection) moves bytes and calls in; nothing here
// touches Beast.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include "testgw/bench_stream.hpp"
#include "testgw/compressor.hpp"
#include "testgw/fault.hpp"
#include "testgw/gateway_rules.hpp"
#include "testgw/report.hpp"
#include "testgw/server.hpp"
#include "testgw/session_store.hpp"

namespace gatehouse::testgw {

// What the client asked for in the upgrade's query (§1.4).
struct connection_query {
  std::string version;   // "10"
  std::string encoding;  // "json"
  std::string compress;  // "", "zlib-stream", "zstd-stream"
  std::string raw;       // the query as sent, for the report
};

connection_query parse_query(std::string_view target);

class gateway_connection : public std::enable_shared_from_this<gateway_connection> {
 public:
  using clock = std::chrono::steady_clock;

  gateway_connection(test_gateway::state& state, boost::asio::any_io_executor executor,
                     bool resume_listener, connection_query query);
  virtual ~gateway_connection();

  // The upgrade completed: check the query, then Hello (§3.1).
  void begin();

  // One complete client message, from the socket side.
  void on_message(std::string_view text, bool binary);

  // The socket ended: a close frame from the client (its code), or 0 with no close frame.
  // `violation` is non-empty when the socket side refused the client's bytes (bad frames,
  // invalid UTF-8) with `code`.
  void on_transport_end(std::uint16_t code, bool by_client, std::string violation = {});

  // From the gateway: a dispatch for this connection's session, a frame of the gateway's own.
  void deliver(const frame_ptr& frame);
  void send_frame(std::string_view frame);

  // Closes with a code, recording it; `reply` names how the client is told.
  void close_with(std::uint16_t code, std::string what, bool is_violation);

  // Drops TCP with no close frame (`reset`: with an RST).
  void drop(bool reset, std::string_view why);

  // Applies an instant or lasting fault to this connection now.
  void apply(const fault& f);

  std::uint64_t id() const { return record_->id; }
  bool is_resume_listener() const { return resume_listener_; }
  bool is_ready() const { return ready_; }
  bool is_finished() const { return finished_; }
  const std::string& session_id() const { return record_->session_id; }
  int shard() const { return shard_; }
  const std::shared_ptr<connection_record>& record() const { return record_; }

  // Bytes written to the socket side and not yet sent.
  virtual std::size_t backlog() const = 0;

 protected:
  // The socket side: one message (already compressed when binary), a close handshake, a
  // drop, reading stopped, and outgoing messages cut into frames of at most `size` bytes.
  virtual void write_message(frame_ptr bytes, bool binary) = 0;
  virtual void start_close(std::uint16_t code, std::string_view reason) = 0;
  virtual void drop_socket(bool reset) = 0;
  virtual void stop_reading() = 0;
  virtual void set_fragment_size(std::size_t size) = 0;
  // The bench body as raw frames after everything queued, `first_frame` (its first message,
  // re-framed with the live context's end of segment) in place of its own first frame; it
  // records its progress in record()->bench.
  virtual void write_body(std::shared_ptr<const bench_body> body, std::string first_frame) = 0;

  test_gateway::state& state_of() const { return state_; }
  double now_ms() const;  // milliseconds since the gateway started, for the report

 private:
  void send_hello();
  void arm_heartbeat_deadline();
  void on_heartbeat(const boost::json::value& d);
  void on_identify(const boost::json::value& d);
  void on_resume(const boost::json::value& d);
  void send_ready(const identify_request& identity);
  void send_bench_body(gateway_session& session);
  void refuse_resume(resume_verdict verdict);
  void invalid_session(std::string what);
  void go_silent(std::chrono::milliseconds lasting);
  void send_ack();
  void finish();

  test_gateway::state& state_;
  std::shared_ptr<test_gateway::state> keep_alive_;  // the state outlives every connection
  bool resume_listener_;
  connection_query query_;
  std::shared_ptr<connection_record> record_;
  std::unique_ptr<compressor> compressor_;
  send_window send_window_;
  boost::asio::steady_timer heartbeat_timer_;
  boost::asio::steady_timer delay_timer_;
  std::string compressed_;
  int shard_ = -1;
  bool hello_sent_ = false;
  bool authenticated_ = false;  // an identify or resume was accepted (§3.3)
  bool ready_ = false;          // READY or RESUMED sent: dispatches flow
  bool silent_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

}  // namespace gatehouse::testgw
