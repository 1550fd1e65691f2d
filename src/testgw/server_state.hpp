// The test gateway's shared state: options, world, REST routes, sessions, identify limits,
// live connections, faults in force, the report and the traffic stream. Everything here runs
// on the one io_context thread; test_gateway's public calls are posted to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include "testgw/bench_stream.hpp"
#include "testgw/fault.hpp"
#include "testgw/identify_limits.hpp"
#include "testgw/report.hpp"
#include "testgw/rest_routes.hpp"
#include "testgw/server.hpp"
#include "testgw/session_store.hpp"
#include "testgw/traffic_generator.hpp"
#include "testgw/world.hpp"

namespace gatehouse::testgw {

class gateway_connection;
class listener;

// An HTTP request as the listeners hand it over, and what to answer.
struct http_exchange {
  rest_request request;
  bool from_loopback = false;
};

// {"generated", "sent", "seconds", "running"}.
boost::json::value to_json(const traffic_stats& s);

class test_gateway::state : public std::enable_shared_from_this<test_gateway::state> {
 public:
  using clock = std::chrono::steady_clock;

  state(boost::asio::io_context& ioc, gateway_options options);
  ~state();

  gateway_ports start();
  void stop();

  boost::asio::io_context& ioc() { return ioc_; }
  const gateway_options& options() const { return options_; }
  const world& content() const { return world_; }
  double ms_since_start(clock::time_point t) const;
  boost::asio::ssl::context* tls() { return tls_ ? &*tls_ : nullptr; }
  bool is_stopped() const { return stopped_; }

  std::string gateway_url() const;
  std::string resume_url() const;
  std::string api_base() const;
  gateway_ports ports() const { return ports_; }
  const std::string& generated_cert_pem() const { return cert_pem_; }

  // Connections.
  std::shared_ptr<connection_record> open_record(bool resume_listener, std::string query);
  void connection_started(const std::shared_ptr<gateway_connection>& connection);
  void connection_finished(gateway_connection& connection, std::uint16_t code, bool by_client);

  // Identify and resume, decided for a connection.
  identify_verdict try_identify(std::uint32_t shard_id);
  std::uint32_t enabled_privileged() const { return world_.enabled_privileged_intents(); }
  gateway_session& create_session(const identify_request& identity,
                                  const std::shared_ptr<gateway_connection>& connection);
  resume_verdict check_resume(std::string_view id, std::uint64_t seq);
  gateway_session* resume_session(std::string_view id,
                                  const std::shared_ptr<gateway_connection>& connection);
  gateway_session* find_session(std::string_view id) { return sessions_.find(id); }

  // The bench body for a connection's compression and a session's first body sequence:
  // rendered at start() for a single-shard session with every guild, else rendered on first
  // use (blocking this thread meanwhile) and kept.
  std::shared_ptr<const bench_body> bench_body_for(compression kind, std::uint64_t first_sequence);

  // Routing: to every session that should see the event (§6, §7).
  void route(const world_event& event);
  void route_to(gateway_session& session, std::string_view name, std::string_view d);

  // Faults.
  void inject(const fault& f);
  void schedule(std::vector<fault> faults);
  void clear_faults();
  const fault* lasting(fault_kind kind, const gateway_connection& connection) const;
  bool take_listener_fault(fault_kind kind);  // refuse_resume / reset_resume, counted
  bool matches(const fault& f, const gateway_connection& connection) const;

  // Traffic.
  void start_traffic(traffic_run run);
  void stop_traffic();
  traffic_stats traffic() const;
  void on_drained();  // a connection's backlog fell under the low-water mark

  // HTTP: REST under /api/v10, the control endpoint under /control.
  rest_response handle_http(const http_exchange& exchange);

  boost::json::value report() const;
  boost::json::value session_report(std::string_view id) const;
  std::vector<std::string> session_ids() const;
  std::size_t connection_count() const;
  session_start_limit session_starts();

  static constexpr std::size_t low_water = 256 * 1024;
  static constexpr std::size_t high_water = 1024 * 1024;

 private:
  struct active_fault {
    fault f;
    std::optional<clock::time_point> until;
    int remaining = 0;  // connections left for counted listener faults; 0: unlimited
  };

  void prepare_bench_bodies();
  void end_session(gateway_session& session, bool timed_out);
  void arm_expiry(clock::time_point at);
  void prune_faults();
  void pump();
  void schedule_pump();
  void traffic_tick();
  void finish_traffic();
  rest_response handle_control(const rest_request& request);
  boost::json::value session_json(const gateway_session& session) const;

  boost::asio::io_context& ioc_;
  gateway_options options_;
  world world_;
  rest_routes rest_;
  session_store sessions_;
  identify_limits limits_;
  clock::time_point started_;
  gateway_ports ports_;
  std::optional<boost::asio::ssl::context> tls_;
  std::string cert_pem_;
  bool started_once_ = false;
  bool stopped_ = false;
  std::vector<std::shared_ptr<listener>> listeners_;

  std::uint64_t next_connection_id_ = 1;
  std::map<std::uint64_t, std::weak_ptr<gateway_connection>> connections_;
  std::map<std::string, std::weak_ptr<gateway_connection>, std::less<>> attached_;
  std::deque<std::shared_ptr<connection_record>> records_;

  std::vector<active_fault> faults_;
  boost::json::array fault_log_;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> timers_;

  std::map<std::pair<compression, std::uint64_t>, std::shared_ptr<const bench_body>> bench_bodies_;

  std::unique_ptr<traffic_generator> generator_;
  std::uint64_t traffic_count_ = 0;
  traffic_stats stats_;
  clock::time_point traffic_started_{};
  clock::time_point traffic_ended_{};
  bool pump_scheduled_ = false;
  boost::asio::steady_timer traffic_timer_;
};

}  // namespace gatehouse::testgw
