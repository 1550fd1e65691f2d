// `gatehouse bench client`: one shard receives the bench stream and counts every dispatch
// between READY and BENCH_DONE after parsing its `d` and reading the counting rule's field.
// The benchmark's headline figure, so this file's own share stays small: one parser reused,
// no allocation and no logging per event.
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>

#include "cli/bench_counting.hpp"
#include "cli/bench_measure.hpp"
#include "cli/bench_roles.hpp"

namespace gatehouse::cli {

namespace {

using steady = std::chrono::steady_clock;

// What the counting saw, and when it started and ended by both clocks.
struct count_state {
  bool counting = false;
  bool done = false;
  std::uint64_t events = 0;
  std::uint64_t field_bytes = 0;  // the lengths read: keeps every read observable
  std::uint64_t unreadable = 0;   // events whose `d` or field could not be read
  steady::time_point ready_at;
  steady::time_point done_at;
  double cpu_ready = 0;
  double cpu_done = 0;
};

// The counting rule on one dispatch: its `d` parsed, the event's field read.
void count_event(const dispatch_event& e, simdjson::ondemand::parser& parser, count_state& s) {
  ++s.events;
  auto document = e.parse(parser);
  simdjson::ondemand::object d;
  std::size_t length = 0;
  if (document.get_object().get(d) ||
      read_counted_field(d, counted_field_for(e.name)).get(length)) {
    ++s.unreadable;
    return;
  }
  s.field_bytes += length;
}

}  // namespace

int run_bench_client(const bench_flags& flags) {
  const client_options options = bench_client_options(flags);

  boost::asio::io_context io(1);
  client_shard shard(io, options);
  simdjson::ondemand::parser parser;
  count_state state;
  bool failed = false;

  shard.on_dispatch([&](const dispatch_event& e) {
    if (state.counting) {
      if (e.name != "BENCH_DONE") {
        return count_event(e, parser, state);
      }

      // The marker ends the count; closing is not measured.
      state.done_at = steady::now();
      state.cpu_done = cpu_seconds();
      state.counting = false;
      state.done = true;
      shard.close();
      return;
    }
    if (e.name == "READY" && !state.done) {
      state.counting = true;
      state.ready_at = steady::now();
      state.cpu_ready = cpu_seconds();
    }
  });
  shard.on_lifecycle([&](const lifecycle_event& e) {
    if (e.kind == lifecycle_kind::fatal) {
      spdlog::error("bench client stopped close_code={} what=\"{}\"", e.close_code, e.message);
      failed = true;
      io.stop();
    } else if (e.kind == lifecycle_kind::closed) {
      io.stop();
    } else if (e.kind == lifecycle_kind::reconnecting && state.counting) {
      // A resumed stream still counts each event once, but the figure would mean less.
      spdlog::warn("bench client reconnecting during the count reason=\"{}\"", e.reason.message());
    }
  });

  boost::asio::steady_timer deadline(io, flags.timeout());
  deadline.async_wait([&](const boost::system::error_code& ec) {
    if (!ec) {
      spdlog::error("bench client timed out seconds={} events={}", flags.timeout_s, state.events);
      failed = true;
      io.stop();
    }
  });

  if (auto ec = shard.start()) {
    spdlog::error("bench client cannot start what=\"{}\"", ec.message());
    return 2;
  }
  io.run();
  if (failed || !state.done) {
    return 1;
  }

  const std::chrono::duration<double> wall = state.done_at - state.ready_at;
  print_result({
      {"client", "gatehouse"},
      {"compress", flags.compress},
      {"events", state.events},
      {"wall_s", wall.count()},
      {"cpu_ready_s", state.cpu_ready},
      {"cpu_done_s", state.cpu_done},
      {"rss_peak_kib", peak_rss_kib()},
      {"unreadable", state.unreadable},
      {"field_bytes", state.field_bytes},
  });

  return state.unreadable == 0 ? 0 : 1;
}

}  // namespace gatehouse::cli
