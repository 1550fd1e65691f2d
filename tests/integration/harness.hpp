// Test support for the integration tests: the real test gateway on its own thread with short
// timings, real client shards on the test's io_context with everything they report recorded,
// and readers for the gateway's JSON report.
#pragma once

#include "gatehouse/client_shard.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/identify_queue.hpp"
#include "core/shard_options.hpp"
#include "rest/resources.hpp"
#include "testgw/server.hpp"

namespace gatehouse::integration {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// The configured token every test uses; the suite's log scan looks for it.
inline constexpr std::string_view test_token = "test-token-not-real.abc.def";

// Discord's rules with timings scaled down: a 100 ms heartbeat, a 150 ms identify window and a
// send window that fits the faster heartbeat.
testgw::gateway_options fast_gateway();

// The client's side of the same scale: backoff from 20 ms to 400 ms, the op 9 wait 50-250 ms,
// Hello and READY bounds of a second or two. Points at the gateway's main listener, or at
// `gateway_url`.
client_options fast_client(const testgw::test_gateway& gateway);
client_options fast_client(const testgw::gateway_options& gateway, std::string gateway_url);

// The client settings scaled like fast_client(); for clients built by the shard manager.
void scale_core(core::shard_options& o);

// The client's identify window: a little longer than the gateway's, so that arrival jitter
// can never make two identifies look closer than the window.
milliseconds client_identify_window(const testgw::gateway_options& o);

// A client identify queue whose window is a little longer than the gateway's, so that
// arrival jitter can never make two identifies look closer than the window.
std::shared_ptr<core::identify_queue> identify_queue_for(const testgw::gateway_options& o);

// A started test gateway on its own thread, and the io_context the test's clients run on.
struct loopback {
  explicit loopback(testgw::gateway_options o = fast_gateway()) : gateway(std::move(o)) {
    gateway.start();
  }

  testgw::test_gateway gateway;
  boost::asio::io_context io;
};

// GET /gateway/bot with the REST client, run on `io` to completion.
struct gateway_bot_answer {
  std::error_code ec;
  rest::gateway_bot_info info;
};
gateway_bot_answer fetch_gateway_bot(boost::asio::io_context& io, const std::string& api_base,
                                     const std::string& token);

// Runs `io` until `done()` holds or `timeout` passes; true when it held.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               milliseconds timeout);

// Runs `io` for `span`: for assertions that something does not happen.
void run_for(boost::asio::io_context& io, milliseconds span);

struct received_dispatch {
  std::string name;
  std::uint64_t sequence = 0;
  std::string session_id;  // of the session it arrived in
  std::string data;
};

// One real client shard with every dispatch and lifecycle event it reports kept in order.
class recorded_client {
 public:
  recorded_client(boost::asio::io_context& io, client_options options);

  std::error_code start() { return shard_.start(); }
  client_shard& shard() { return shard_; }

  // Dispatch data is kept only when asked, to spare the soak the copies.
  void keep_data(bool keep) { keep_data_ = keep; }

  std::size_t count(lifecycle_kind kind) const;
  std::optional<lifecycle_event> last(lifecycle_kind kind) const;
  const std::vector<lifecycle_event>& lifecycle() const { return lifecycle_; }
  const std::vector<received_dispatch>& dispatches() const { return dispatches_; }
  const std::string& session_id() const { return session_id_; }
  bool is_active() const { return shard_.is_active(); }

  // Called after the recording, for tests that act on an event as it happens.
  std::function<void(const lifecycle_event&)> then;

 private:
  client_shard shard_;
  std::vector<lifecycle_event> lifecycle_;
  std::vector<received_dispatch> dispatches_;
  std::string session_id_;
  bool keep_data_ = false;
};

// Starts `client` and runs until its session is active; a fatal test failure otherwise.
void start_active(loopback& net, recorded_client& client);

// Readers of test_gateway::report().
namespace report {

// Every connection entry, oldest first.
std::vector<boost::json::object> connections(const boost::json::value& report);
// Connections on "main" or "resume".
std::vector<boost::json::object> connections_on(const boost::json::value& report,
                                                std::string_view listener);
// Payloads with opcode `op` received on the given listener ("" for both).
std::uint64_t received(const boost::json::value& report, int op, std::string_view listener = {});
// Violations recorded on any connection whose close code is `code` (0: answered with op 9).
std::uint64_t violations_with(const boost::json::value& report, std::uint16_t code);
std::uint64_t all_violations(const boost::json::value& report);
// The `d` of every heartbeat the connection received.
std::vector<boost::json::value> heartbeats(const boost::json::object& connection);
std::uint64_t opcode_count(const boost::json::object& connection, int op);
std::optional<std::uint16_t> close_code(const boost::json::object& connection);
std::string closed_by(const boost::json::object& connection);
double opened_ms(const boost::json::object& connection);

}  // namespace report

}  // namespace gatehouse::integration
