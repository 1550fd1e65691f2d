// Test support for the integration tests: short timings, run loops, the recording client and
// the report readers.
#include "harness.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json.hpp>

#include <algorithm>

#include "core/intents.hpp"
#include "rest/rest_client.hpp"

namespace gatehouse::integration {

namespace json = boost::json;

testgw::gateway_options fast_gateway() {
  testgw::gateway_options o;
  o.token = std::string(test_token);
  o.heartbeat_interval = 100ms;
  o.heartbeat_grace = 400ms;
  o.identify_window = 150ms;

  // Discord's 120 per 60 s was sized for a 41 s heartbeat, one or two beats per window; the
  // window shrinks with the heartbeat so that the client's room for beats still fits.
  o.send_limit = 120;
  o.send_window = 250ms;
  o.session_window = 5000ms;

  return o;
}

void scale_core(core::shard_options& o) {
  o.backoff.base = 20ms;
  o.backoff.cap = 400ms;
  o.backoff.reset_after = 500ms;
  o.invalid_session_min_wait = 50ms;
  o.invalid_session_max_wait = 250ms;
  o.hello_timeout = 1000ms;
  o.ready_timeout = 2000ms;
  // A little longer than the gateway's, as arrival jitter only ever shortens a gap.
  o.send_limit.window = 300ms;
}

milliseconds client_identify_window(const testgw::gateway_options& o) {
  return o.identify_window + o.identify_window / 5 + 20ms;
}

std::shared_ptr<core::identify_queue> identify_queue_for(const testgw::gateway_options& o) {
  core::identify_queue::limits l;
  l.max_concurrency = static_cast<std::uint32_t>(std::max(o.max_concurrency, 1));
  l.window = client_identify_window(o);

  return std::make_shared<core::identify_queue>(l);
}

client_options fast_client(const testgw::gateway_options& gateway, std::string gateway_url) {
  client_options o;
  o.token = std::string(test_token);
  o.intents = core::guilds_intent | core::guild_messages_intent;
  o.gateway_url = std::move(gateway_url);
  o.connect_timeout = 1000ms;
  o.handshake_timeout = 1000ms;
  o.identify_queue = identify_queue_for(gateway);
  o.advanced = scale_core;

  return o;
}

client_options fast_client(const testgw::test_gateway& gateway) {
  return fast_client(gateway.options(), gateway.gateway_url());
}

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return false;
    }

    // Short turns, so that the predicate is checked often; run_for returns early when idle.
    io.restart();
    io.run_for(std::min<std::chrono::steady_clock::duration>(deadline - now, 5ms));
  }
  return true;
}

void run_for(boost::asio::io_context& io, milliseconds span) {
  run_until(
      io, [] { return false; }, span);
}

gateway_bot_answer fetch_gateway_bot(boost::asio::io_context& io, const std::string& api_base,
                                     const std::string& token) {
  rest::rest_options o;
  o.base_url = api_base;
  o.token = token;
  o.request_timeout = 2s;
  o.retry_backoff = 20ms;
  rest::rest_client client(io.get_executor(), o);

  gateway_bot_answer answer;
  bool done = false;
  auto fetch = [&]() -> boost::asio::awaitable<void> {
    answer.info = co_await client.get_gateway_bot(answer.ec);
    done = true;
  };
  boost::asio::co_spawn(io, fetch(), boost::asio::detached);
  run_until(
      io, [&] { return done; }, 10s);

  return answer;
}

recorded_client::recorded_client(boost::asio::io_context& io, client_options options)
    : shard_(io, std::move(options)) {
  shard_.on_dispatch([this](const dispatch_event& e) {
    dispatches_.push_back({std::string(e.name), e.sequence, session_id_,
                           keep_data_ ? std::string(e.data) : std::string()});
  });
  shard_.on_lifecycle([this](const lifecycle_event& e) {
    if (e.kind == lifecycle_kind::ready) {
      session_id_ = e.message;
    }
    lifecycle_.push_back(e);
    if (then) {
      then(e);
    }
  });
}

std::size_t recorded_client::count(lifecycle_kind kind) const {
  return static_cast<std::size_t>(std::count_if(lifecycle_.begin(), lifecycle_.end(),
                                                [kind](const auto& e) { return e.kind == kind; }));
}

std::optional<lifecycle_event> recorded_client::last(lifecycle_kind kind) const {
  for (auto it = lifecycle_.rbegin(); it != lifecycle_.rend(); ++it) {
    if (it->kind == kind) {
      return *it;
    }
  }
  return std::nullopt;
}

void start_active(loopback& net, recorded_client& client) {
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.is_active(); }, 5s));
}

namespace report {

namespace {

std::uint64_t as_count(const json::value* v) {
  if (v == nullptr) {
    return 0;
  }
  if (const auto* u = v->if_uint64()) {
    return *u;
  }
  if (const auto* i = v->if_int64()) {
    return static_cast<std::uint64_t>(*i);
  }
  return 0;
}

}  // namespace

std::vector<json::object> connections(const json::value& report) {
  std::vector<json::object> out;
  for (const auto& c : report.at("connections").as_array()) {
    out.push_back(c.as_object());
  }
  return out;
}

std::vector<json::object> connections_on(const json::value& report, std::string_view listener) {
  auto all = connections(report);
  std::erase_if(
      all, [listener](const json::object& c) { return c.at("listener").as_string() != listener; });
  return all;
}

std::uint64_t opcode_count(const json::object& connection, int op) {
  return as_count(connection.at("received_by_opcode").as_object().if_contains(std::to_string(op)));
}

std::uint64_t received(const json::value& report, int op, std::string_view listener) {
  std::uint64_t n = 0;
  for (const auto& c : connections(report)) {
    if (listener.empty() || c.at("listener").as_string() == listener) {
      n += opcode_count(c, op);
    }
  }
  return n;
}

std::uint64_t violations_with(const json::value& report, std::uint16_t code) {
  std::uint64_t n = 0;
  for (const auto& c : connections(report)) {
    for (const auto& v : c.at("violations").as_array()) {
      n += as_count(v.as_object().if_contains("code")) == code ? 1 : 0;
    }
  }
  return n;
}

std::uint64_t all_violations(const json::value& report) {
  std::uint64_t n = 0;
  for (const auto& c : connections(report)) {
    n += c.at("violations").as_array().size();
  }
  return n;
}

std::vector<json::value> heartbeats(const json::object& connection) {
  std::vector<json::value> out;
  for (const auto& h : connection.at("heartbeats").as_array()) {
    out.push_back(h.at("d"));
  }
  return out;
}

std::optional<std::uint16_t> close_code(const json::object& connection) {
  const json::value& close = connection.at("close");
  if (close.is_null()) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(as_count(close.as_object().if_contains("code")));
}

std::string closed_by(const json::object& connection) {
  const json::value& close = connection.at("close");
  return close.is_null() ? std::string() : std::string(close.at("by").as_string());
}

double opened_ms(const json::object& connection) {
  return connection.at("opened_ms").to_number<double>();
}

}  // namespace report

}  // namespace gatehouse::integration
