// `gatehouse bench reconnect`: the cost of an op 7. COUNT times, the test gateway is asked to
// send op 7 (a reconnect fault on its control endpoint); each time is measured from the shard's
// `reconnecting` event to its `resumed` event, on the steady clock.
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/bench_measure.hpp"
#include "cli/bench_roles.hpp"
#include "cli/dotenv.hpp"
#include "core/error.hpp"
#include "rest/base_url.hpp"
#include "rest/http_client.hpp"

namespace gatehouse::cli {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using steady = std::chrono::steady_clock;

// The control endpoint: given, or on the REST origin (as `serve` prints it), or else on the
// gateway's port, where the test gateway serves it too.
rest::base_url control_origin(const bench_flags& flags) {
  std::string url = flags.control;
  if (url.empty() && !flags.api_base.empty()) {
    url = flags.api_base.substr(0, flags.api_base.rfind("/api/")) + "/control";
  }
  if (url.empty() && flags.gateway_url.starts_with("ws://")) {
    const std::string rest = flags.gateway_url.substr(5);
    url = "http://" + rest.substr(0, rest.find('/')) + "/control";
  }

  std::error_code ec;
  auto origin = rest::parse_base_url(url, ec);
  if (ec || origin.secure) {
    throw config_error("--control takes http://127.0.0.1:PORT/control (or give --api-base)");
  }

  return origin;
}

struct reconnect_state {
  std::uint64_t completed = 0;     // op 7s that ended in RESUMED or a new READY
  std::uint64_t new_sessions = 0;  // of them, ended by READY: the resume was refused
  std::optional<steady::time_point> reconnecting_at;
  std::vector<double> samples_ms;
  std::chrono::milliseconds max_delay{};  // the longest reconnect delay the shard announced
};

}  // namespace

int run_bench_reconnect(const bench_flags& flags) {
  const client_options options = bench_client_options(flags);
  const rest::base_url control = control_origin(flags);

  asio::io_context io(1);
  client_shard shard(io, options);
  rest::http_client http(io.get_executor(), control, nullptr, 1);
  asio::steady_timer wake(io);
  reconnect_state state;
  state.samples_ms.reserve(flags.count);
  bool started = false;
  bool failed = false;

  const auto fail = [&](std::string_view what) {
    spdlog::error("bench reconnect failed what=\"{}\" completed={}", what, state.completed);
    failed = true;
    io.stop();
  };

  // One op 7 at a time: ask for it, then wait until the shard is back.
  const auto drive = [&]() -> asio::awaitable<void> {
    rest::http_request req{http::verb::post, control.prefix + "/faults", 11};
    req.set(http::field::host, control.host + ":" + control.port);
    req.set(http::field::content_type, "application/json");
    req.body() = R"({"kind":"reconnect"})";
    req.prepare_payload();

    for (std::uint64_t i = 0; i < flags.count; ++i) {
      std::error_code ec;
      const auto res = co_await http.send(req, std::chrono::seconds(5), ec);
      if (ec || res.result_int() >= 300) {
        co_return fail(ec ? ec.message() : "the control endpoint refused the fault");
      }
      while (state.completed <= i) {
        wake.expires_after(std::chrono::seconds(10));
        const auto [waited] = co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!waited) {
          co_return fail("no RESUMED within 10 s of an op 7");
        }
      }
    }
    shard.close();
  };

  shard.on_lifecycle([&](const lifecycle_event& e) {
    switch (e.kind) {
      case lifecycle_kind::ready:
        if (started) {
          ++state.new_sessions;
          ++state.completed;
          state.reconnecting_at.reset();
          wake.cancel();
          break;
        }
        started = true;
        asio::co_spawn(io, drive, asio::detached);
        break;
      case lifecycle_kind::reconnecting:
        if (e.reason == gatehouse::error::reconnect_requested) {
          state.reconnecting_at = steady::now();
        }
        state.max_delay = std::max(state.max_delay, e.delay);
        break;
      case lifecycle_kind::resumed:
        if (state.reconnecting_at) {
          const std::chrono::duration<double, std::milli> took =
              steady::now() - *state.reconnecting_at;
          state.samples_ms.push_back(took.count());
          state.reconnecting_at.reset();
        }
        ++state.completed;
        wake.cancel();
        break;
      case lifecycle_kind::fatal:
        fail(e.message);
        break;
      case lifecycle_kind::closed:
        io.stop();
        break;
      default:
        break;
    }
  });

  asio::steady_timer deadline(io, flags.timeout());
  deadline.async_wait([&](const boost::system::error_code& ec) {
    if (!ec) {
      fail("timed out");
    }
  });

  if (auto ec = shard.start()) {
    spdlog::error("bench reconnect cannot start what=\"{}\"", ec.message());
    return 2;
  }
  io.run();
  if (failed) {
    return 1;
  }

  const auto summary = summarize(state.samples_ms);
  print_result({
      {"role", "reconnect"},
      {"compress", flags.compress},
      {"count", summary.count},
      {"median_ms", summary.median},
      {"p90_ms", summary.p90},
      {"p99_ms", summary.p99},
      {"max_ms", summary.max},
      {"new_sessions", state.new_sessions},
      {"max_delay_ms", state.max_delay.count()},
  });

  return 0;
}

}  // namespace gatehouse::cli
