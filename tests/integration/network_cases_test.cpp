// The network cases (G17, G25): transient failures back off and recover, TLS verification
// failures are reported as their own class and never downgraded. Loopback stands in for the
// network: a refused port for an outage, a full accept queue for a black-holed SYN, a name
// under .invalid for a resolver failure, and certificates made for each TLS fault.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include <chrono>

#include "certificates.hpp"
#include "core/error.hpp"
#include "harness.hpp"
#include "shards/shard_manager.hpp"
#include "transport/transport_error.hpp"

namespace gatehouse::integration {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

std::vector<lifecycle_event> reconnects(const recorded_client& c) {
  std::vector<lifecycle_event> out;
  std::copy_if(c.lifecycle().begin(), c.lifecycle().end(), std::back_inserter(out),
               [](const auto& e) { return e.kind == lifecycle_kind::reconnecting; });
  return out;
}

// A loopback port with nothing listening on it.
std::uint16_t free_port() {
  asio::io_context io;
  tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

// The backoff of scale_core(): full jitter below min(cap, base * 2^n).
void expect_backoff(const std::vector<lifecycle_event>& tries) {
  auto bound = 20ms;
  for (std::size_t i = 0; i < tries.size(); ++i) {
    EXPECT_LE(tries[i].delay, std::min<milliseconds>(400ms, bound)) << "try " << i;
    bound *= 2;
  }
}

TEST(network_test, case_g17_outage_backs_off_and_recovers_within_one_step) {
  const auto port = free_port();
  asio::io_context io;
  const auto url = "ws://127.0.0.1:" + std::to_string(port);
  recorded_client client(io, fast_client(fast_gateway(), url));
  ASSERT_FALSE(client.start());

  // Refused connects for a while: no crash, a bounded number of tries with growing bounds.
  run_for(io, 1500ms);
  const auto tries = reconnects(client);
  ASSERT_GE(tries.size(), 3u);
  EXPECT_LE(tries.size(), 25u);
  expect_backoff(tries);
  for (const auto& t : tries) {
    EXPECT_NE(t.reason, error_condition_kind::fatal);
  }

  // The gateway comes up: READY within one backoff step (the cap) plus the handshake.
  auto gw = fast_gateway();
  gw.port = port;
  testgw::test_gateway gateway(gw);
  gateway.start();
  const auto up = clock_type::now();
  ASSERT_TRUE(run_until(
      io, [&] { return client.is_active(); }, 5s));
  EXPECT_LE(clock_type::now() - up, 400ms + 300ms);
}

TEST(network_test, case_g17_resolver_failure_is_retried_with_backoff) {
  // A name under .invalid never resolves (RFC 6761).
  asio::io_context io;
  recorded_client client(io, fast_client(fast_gateway(), "wss://gateway.gatehouse-test.invalid/"));
  ASSERT_FALSE(client.start());

  ASSERT_TRUE(run_until(
      io, [&] { return reconnects(client).size() >= 3; }, 10s));
  EXPECT_EQ(client.count(lifecycle_kind::fatal), 0u);
  expect_backoff(reconnects(client));
}

// A manager of one shard against the loopback gateway, at the tests' time scale.
shards::manager_options one_shard(const loopback& net) {
  shards::manager_options m;
  m.token = std::string(test_token);
  m.api_base = net.gateway.api_base();
  m.intents = 1;
  m.shard_count = 1;
  m.advanced = scale_core;
  return m;
}

// Runs one shard while GET /gateway/bot answers 502 `count` times; true when it became active
// with no fatal event. `retrying` counts the manager's own retries.
bool active_after_502s(int count, int& retrying) {
  loopback net;
  net.gateway.inject({.kind = testgw::fault_kind::rest_status,
                      .status = 502,
                      .route = "GET /gateway/bot",
                      .count = count});
  auto m = one_shard(net);
  m.gateway_retry_delay = 100ms;
  shards::shard_manager manager(net.io, m);
  bool fatal = false;
  manager.on_event([&](const shards::manager_event& e) {
    fatal = fatal || e.kind == shards::manager_event_kind::fatal;
    retrying += e.kind == shards::manager_event_kind::gateway_retrying ? 1 : 0;
  });
  EXPECT_FALSE(manager.start());

  const bool active = run_until(
      net.io,
      [&] {
        const auto status = manager.status();
        return fatal || (!status.empty() && status[0].phase == shards::shard_phase::active);
      },
      15s);
  return active && !fatal;
}

TEST(network_test, case_g17_gateway_bot_502_once_is_retried) {
  int retrying = 0;
  EXPECT_TRUE(active_after_502s(1, retrying));
  EXPECT_EQ(retrying, 0);  // the REST client's own retry took it
}

TEST(network_test, case_g17_gateway_bot_failing_past_the_rest_retries_is_asked_again) {
  // Five 502s: more than the REST client's own retries (1 + 3) absorb in one call.
  int retrying = 0;
  EXPECT_TRUE(active_after_502s(5, retrying));
  EXPECT_EQ(retrying, 1);
}

TEST(network_test, case_g17_close_during_the_gateway_bot_wait_stops_at_once) {
  // Nothing listens on the REST port: every call fails, and the next is a minute away.
  asio::io_context holder;
  tcp::acceptor closed(holder, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = closed.local_endpoint().port();
  closed.close();

  loopback net;
  auto m = one_shard(net);
  m.api_base = "http://127.0.0.1:" + std::to_string(port) + "/api/v10";
  m.gateway_retry_delay = 60s;
  shards::shard_manager manager(net.io, m);
  bool retrying = false;
  bool stopped = false;
  manager.on_event([&](const shards::manager_event& e) {
    retrying = retrying || e.kind == shards::manager_event_kind::gateway_retrying;
    stopped = stopped || e.kind == shards::manager_event_kind::stopped;
  });
  ASSERT_FALSE(manager.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return retrying; }, 15s));

  const auto asked = clock_type::now();
  manager.close();
  ASSERT_TRUE(run_until(
      net.io, [&] { return stopped; }, 5s));
  EXPECT_LT(clock_type::now() - asked, 1s);
}

TEST(network_test, case_g17_black_holed_connect_ends_within_the_timeout) {
  // A listener whose accept queue is full drops further SYNs, as a black hole does.
  asio::io_context holder;
  tcp::acceptor hole(holder);
  const tcp::endpoint where(asio::ip::make_address("127.0.0.1"), 0);
  hole.open(where.protocol());
  hole.bind(where);
  hole.listen(0);
  const auto port = hole.local_endpoint().port();
  std::vector<std::unique_ptr<tcp::socket>> fillers;
  for (int i = 0; i < 3; ++i) {
    fillers.push_back(std::make_unique<tcp::socket>(holder));
    fillers.back()->async_connect({where.address(), port}, [](auto) {});
  }
  holder.run_for(200ms);

  loopback net;
  auto options = fast_client(net.gateway);
  options.gateway_url = "ws://127.0.0.1:" + std::to_string(port);
  options.connect_timeout = 300ms;
  recorded_client client(net.io, options);
  const auto started = clock_type::now();
  ASSERT_FALSE(client.start());

  ASSERT_TRUE(run_until(
      net.io, [&] { return !reconnects(client).empty(); }, 5s));
  const auto took = clock_type::now() - started;
  EXPECT_GE(took, 250ms);
  EXPECT_LE(took, 300ms + 400ms);
}

// A TLS test gateway serving `chain`'s leaf.
testgw::gateway_options tls_gateway(const test_chain& chain) {
  auto o = fast_gateway();
  o.tls.enabled = true;
  o.tls.cert_file = write_temp_file("leaf.pem", chain.leaf.cert);
  o.tls.key_file = write_temp_file("leaf.key", chain.leaf.key);
  return o;
}

// Runs a client against a TLS gateway serving `chain`; `ca` is its CA file (empty: system).
void expect_tls_refusal(const test_chain& chain, const std::string& ca,
                        transport::transport_error expected) {
  loopback net(tls_gateway(chain));
  auto options = fast_client(net.gateway);
  options.ca_file = ca;
  ASSERT_EQ(options.gateway_url.rfind("wss://", 0), 0u);
  recorded_client client(net.io, options);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return reconnects(client).size() >= 3; }, 10s));

  // Each try failed verification with the verifier's reason; none was downgraded.
  const auto tries = reconnects(client);
  for (const auto& t : tries) {
    EXPECT_EQ(t.reason, expected) << t.reason.message();
    EXPECT_TRUE(transport::is_tls_error(t.reason));
  }
  expect_backoff(tries);
  EXPECT_FALSE(client.is_active());
  EXPECT_TRUE(report::connections(net.gateway.report()).empty());
}

TEST(tls_test, case_g25_unknown_ca_is_a_tls_error) {
  expect_tls_refusal(make_chain("IP:127.0.0.1"), "",
                     transport::transport_error::certificate_untrusted);
}

TEST(tls_test, case_g25_expired_leaf_is_a_tls_error) {
  const auto chain = make_chain("IP:127.0.0.1", -24h * 10, -24h);
  expect_tls_refusal(chain, write_temp_file("ca.pem", chain.ca.cert),
                     transport::transport_error::certificate_expired);
}

TEST(tls_test, case_g25_hostname_mismatch_is_a_tls_error) {
  const auto chain = make_chain("DNS:gateway.example.test");
  expect_tls_refusal(chain, write_temp_file("ca.pem", chain.ca.cert),
                     transport::transport_error::hostname_mismatch);
}

TEST(tls_test, case_g25_custom_ca_connects_once_configured) {
  const auto chain = make_chain("IP:127.0.0.1");
  loopback net(tls_gateway(chain));
  auto options = fast_client(net.gateway);
  options.ca_file = write_temp_file("ca.pem", chain.ca.cert);
  recorded_client client(net.io, options);
  ASSERT_NO_FATAL_FAILURE(start_active(net, client));
  EXPECT_EQ(client.count(lifecycle_kind::reconnecting), 0u);
}

}  // namespace
}  // namespace gatehouse::integration
