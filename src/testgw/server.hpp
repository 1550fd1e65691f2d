// The test gateway: a strict local Discord-compatible gateway and REST server on loopback,
// with faults on demand and a per-session report. The object tests and `gatehouse serve` own.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include "testgw/fault.hpp"
#include "testgw/rest_routes.hpp"
#include "testgw/traffic_generator.hpp"
#include "testgw/world.hpp"

namespace gatehouse::testgw {

// wss:// and https:// on both listeners. With no files given, a self-signed certificate for
// 127.0.0.1 and localhost is generated in memory at start(); `generated_cert_pem` gives it
// to the client's trust store.
struct tls_options {
  bool enabled = false;
  std::string cert_file;  // PEM chain; empty with key_file empty: generate
  std::string key_file;   // PEM private key
};

// What a resume that cannot succeed gets (§3.6): close codes as Discord documents them
// (4007 for an unknown session or a sequence outside the replay buffer, 4009 for a session
// that timed out), or op 9 with d=false for all of them.
enum class resume_refusal { close_code, invalid_session };

struct session_start_limit {
  int total = 1000;
  int remaining = 1000;                        // at start
  milliseconds reset_after{24 * 3600 * 1000};  // the window; remaining refills to total after it
};

struct gateway_options {
  // Listeners, always on 127.0.0.1. 0 picks a free port; start() reports the ports.
  std::uint16_t port = 0;         // HTTP (REST, /control) and the WebSocket upgrade
  std::uint16_t resume_port = 0;  // READY's resume_gateway_url
  tls_options tls;

  // The bare token identify and resume must carry, and REST after "Bot " (§3.3).
  std::string token = "test-token-not-real.abc.def";

  // Timings; the defaults are Discord's, tests shrink them to milliseconds.
  milliseconds heartbeat_interval{41250};
  milliseconds heartbeat_grace{5000};  // 4009 after interval + grace without a heartbeat
  milliseconds identify_window{5000};  // one identify per bucket per window (§5.2)
  int max_concurrency = 1;             // buckets: shard_id % max_concurrency
  int send_limit = 120;                // client payloads per send_window, 4008 above (§5.1)
  milliseconds send_window{60000};
  milliseconds session_window{180000};  // a disconnected session stays resumable this long
  session_start_limit session_starts;
  resume_refusal refuse_resume_with = resume_refusal::close_code;
  int recommended_shards = 1;  // GET /gateway/bot `shards`

  // Bounds that keep memory finite whatever the peer does.
  std::size_t max_payload = 4096;                 // inbound gateway payload, 4002 above (§5.4)
  std::size_t replay_limit = 10000;               // dispatches kept per session for resume
  std::size_t max_send_queue = 16 * 1024 * 1024;  // bytes queued to one slow reader, then drop
  std::size_t max_http_body = 64 * 1024;          // request bodies, 413 above

  // The benchmark stream (bench_stream.hpp), 0: off. Every session that identifies gets, after
  // READY and its GUILD_CREATEs, this many pre-rendered dispatches of every intent, then
  // BENCH_DONE with d = {"events":N}; start() renders the bodies before it returns.
  std::uint64_t bench_events = 0;
  generator_options bench_generator;  // the bench stream's seed and mix

  // The content: application, guilds, channels, members, users.
  world_options world;
  // REST buckets and the global limit; its token is ignored, `token` above is used.
  rest_options rest;
};

struct gateway_ports {
  std::uint16_t main = 0;
  std::uint16_t resume = 0;
};

// How the traffic generator is run against the connected sessions: its seed, mix and rate
// (events_per_second 0: as fast as the slowest reader takes them), and how many events.
struct traffic_run {
  generator_options generator;
  std::uint64_t count = 0;  // events to generate; 0: until stop_traffic()
};

struct traffic_stats {
  std::uint64_t generated = 0;  // events the generator produced
  std::uint64_t sent = 0;       // dispatches written to sockets (one event may go to several)
  double seconds = 0;           // since the run started
  bool running = false;
};

// The control endpoint, on the main port, answers loopback clients only:
//   POST   /control/faults          a fault (fault.hpp's JSON) or an array of them, applied now
//   DELETE /control/faults          clears lasting and scheduled faults
//   GET    /control/report          report() below
//   GET    /control/sessions/{id}   session_report(id), 404 when unknown
//   POST   /control/dispatch        {"t":"NAME","d":{...},"guild_id":"..."} routed as dispatch()
//   POST   /control/traffic         {"count":n,"events_per_second":r,"seed":s} starts a stream
//   DELETE /control/traffic          stops it; GET reads {"generated","sent","seconds","running"}
//
// The test gateway. Construct it, start() it, run the io_context; stop() closes listeners and
// connections. Every public call may be made from any thread: calls from outside the
// io_context's thread are posted to it and wait for the result, so the io_context must be
// running for them to return (start() and stop() excepted, see below).
class test_gateway {
 public:
  // Runs on `ioc`, which the caller runs (one thread).
  test_gateway(boost::asio::io_context& ioc, gateway_options options);
  // Runs on its own io_context and thread, from start() to stop().
  explicit test_gateway(gateway_options options);
  ~test_gateway();

  test_gateway(const test_gateway&) = delete;
  test_gateway& operator=(const test_gateway&) = delete;

  // Binds both listeners on 127.0.0.1 and starts accepting; throws std::system_error when a
  // port cannot be bound or the certificate cannot be loaded. Call once, before running ioc.
  gateway_ports start();

  // Closes the listeners and every connection (without close frames), cancels timers. Safe to
  // call twice; with a caller's io_context, the caller then lets ioc.run() return.
  void stop();

  gateway_ports ports() const;
  std::string gateway_url() const;         // "ws://127.0.0.1:PORT" (wss:// with TLS), no slash
  std::string resume_url() const;          // the resume listener's, as READY sends it
  std::string api_base() const;            // "http://127.0.0.1:PORT/api/v10"
  std::string generated_cert_pem() const;  // empty unless a certificate was generated

  // Faults (fault.hpp). inject applies at once whatever `at` says; schedule applies each at
  // its `at` after start() (or now, when already past).
  void inject(const fault& f);
  void schedule(std::vector<fault> faults);
  void clear_faults();

  // Sends one dispatch to every session that should see it: routed by guild to shards
  // (DMs to shard 0) and gated by intents, as world decides. `d` is the JSON object.
  void dispatch(std::string_view event_name, const boost::json::value& d);

  // Streams the traffic generator's events to the sessions; replaces a running stream.
  void start_traffic(traffic_run run);
  void stop_traffic();
  traffic_stats traffic() const;

  // The report: {"sessions":[...],"connections":[...],"faults":[...]}. A session entry has
  // session_id, shard, intents, state, sequence, identifies, resumes, its connections and, in
  // bench mode, bench {events, bytes, seconds, complete} (report.hpp's bench_record); a
  // connection entry has id, listener ("main" or "resume"), query, opened_ms, closed_ms,
  // close {code, by: "client"|"server"|"drop"}, received_by_opcode {"1":n,...}, violations
  // [{code, what, at_ms}], heartbeats [{at_ms, d}], acks_sent, faults applied. Times are
  // milliseconds since start().
  boost::json::value report() const;
  // One session's entry, or null when the id is unknown.
  boost::json::value session_report(std::string_view session_id) const;

  // Session ids, oldest first, including ended ones.
  std::vector<std::string> session_ids() const;
  // Live WebSocket connections now.
  std::size_t connection_count() const;

  // The identify budget as GET /gateway/bot reports it, now.
  session_start_limit session_starts() const;

  const world& content() const;  // the world the gateway serves
  const gateway_options& options() const;

  class state;  // the implementation, shared with the listeners and connections

 private:
  struct runtime;  // the io_context and thread of a gateway that runs on its own

  std::unique_ptr<runtime> runtime_;
  std::shared_ptr<state> state_;
};

}  // namespace gatehouse::testgw
