// `gatehouse bench idle`: the resident memory of K connected idle shards in one process, per
// shard. Every shard is READY and has its guilds before the settle wait, so what is measured is
// a shard at rest, not one still receiving its start.
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "cli/bench_measure.hpp"
#include "cli/bench_roles.hpp"
#include "core/identify_queue.hpp"

namespace gatehouse::cli {

namespace {

struct shard_progress {
  bool ready = false;
  bool complete = false;
  std::uint64_t guilds_expected = 0;  // READY's guilds
  std::uint64_t guilds_seen = 0;      // GUILD_CREATEs since
};

// The number of guilds READY's `d` lists; 0 when it cannot be read.
std::uint64_t ready_guild_count(const dispatch_event& e, simdjson::ondemand::parser& parser) {
  auto document = e.parse(parser);
  simdjson::ondemand::array guilds;
  std::size_t count = 0;
  if (document["guilds"].get_array().get(guilds) || guilds.count_elements().get(count)) {
    return 0;
  }

  return count;
}

}  // namespace

int run_bench_idle(const bench_flags& flags) {
  const std::uint64_t fd_limit = raise_open_file_limit();
  const client_options base = bench_client_options(flags);
  const std::uint32_t k = flags.shards;
  if (fd_limit < 2ull * k + 64) {
    spdlog::warn("bench idle open file limit may be too low limit={} shards={}", fd_limit, k);
  }

  boost::asio::io_context io(1);
  const std::uint64_t rss_before = current_rss_kib();

  // One bucket per shard, so that all of them identify at once (the gateway runs with as many).
  auto queue =
      std::make_shared<core::identify_queue>(core::identify_queue::limits{.max_concurrency = k});
  std::vector<std::unique_ptr<client_shard>> shards;
  std::vector<shard_progress> progress(k);
  simdjson::ondemand::parser parser;
  std::uint32_t complete = 0;
  std::uint64_t rss_after = 0;
  bool failed = false;

  // When the last shard is complete, wait for the dust to settle, then read the memory.
  boost::asio::steady_timer settle(io);
  const auto mark_complete = [&](shard_progress& p) {
    if (p.complete || !p.ready || p.guilds_seen < p.guilds_expected) {
      return;
    }
    p.complete = true;
    if (++complete < k) {
      return;
    }
    settle.expires_after(std::chrono::milliseconds(flags.settle_ms));
    settle.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) {
        rss_after = current_rss_kib();
        io.stop();
      }
    });
  };

  for (std::uint32_t i = 0; i < k; ++i) {
    client_options o = base;
    o.shard_id = i;
    o.shard_count = k;
    o.identify_queue = queue;
    auto& shard = shards.emplace_back(std::make_unique<client_shard>(io, std::move(o)));

    shard->on_dispatch([&, i](const dispatch_event& e) {
      auto& p = progress[i];
      if (e.name == "READY") {
        p.ready = true;
        p.guilds_expected = ready_guild_count(e, parser);
      } else if (e.name == "GUILD_CREATE") {
        ++p.guilds_seen;
      }
      mark_complete(p);
    });
    shard->on_lifecycle([&](const lifecycle_event& e) {
      if (e.kind == lifecycle_kind::fatal) {
        spdlog::error("bench idle shard stopped shard={} close_code={} what=\"{}\"", e.shard_id,
                      e.close_code, e.message);
        failed = true;
        io.stop();
      }
    });
    if (auto ec = shard->start()) {
      spdlog::error("bench idle cannot start what=\"{}\"", ec.message());
      return 2;
    }
  }

  boost::asio::steady_timer deadline(io, flags.timeout());
  deadline.async_wait([&](const boost::system::error_code& ec) {
    if (!ec) {
      spdlog::error("bench idle timed out seconds={} complete={} shards={}", flags.timeout_s,
                    complete, k);
      failed = true;
      io.stop();
    }
  });

  io.run();
  if (failed || rss_after == 0) {
    return 1;
  }

  const double per_shard =
      (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / static_cast<double>(k);
  print_result({
      {"role", "idle"},
      {"shards", k},
      {"compress", flags.compress},
      {"rss_before_kib", rss_before},
      {"rss_after_kib", rss_after},
      {"per_shard_kib", per_shard},
  });

  return 0;
}

}  // namespace gatehouse::cli
