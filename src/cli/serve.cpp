// `gatehouse serve`: the test gateway as a command. Options come from a scenario file, then
// from flags; the first line on stdout says where it listens, as one JSON object.
#include "cli/serve.hpp"

#include "cli/log_level.hpp"
#include "core/intents.hpp"
#include "core/token.hpp"
#include "testgw/scenario.hpp"
#include "testgw/server.hpp"
#include "testgw/traffic_generator.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace gatehouse::cli {

namespace json = boost::json;
using namespace gatehouse::testgw;

namespace {

// The flags as given; each overrides the scenario only when it was on the command line.
struct serve_flags {
  std::string scenario_file;
  std::uint16_t port = 0;
  std::uint16_t resume_port = 0;
  std::string token;
  std::uint64_t heartbeat_interval_ms = 0;
  std::uint64_t heartbeat_grace_ms = 0;
  std::uint64_t session_window_ms = 0;
  int max_concurrency = 1;
  std::uint64_t identify_window_ms = 0;
  int shards = 1;
  int session_starts = 1000;
  bool tls = false;
  std::string cert_file;
  std::string key_file;
  std::string cert_out;
  std::size_t guilds = 0;
  std::size_t users = 0;
  std::size_t max_guilds_per_shard = 0;
  std::string privileged;
  double rate = 0;
  std::uint64_t traffic_count = 0;
  std::uint64_t bench_events = 0;
  std::uint64_t seed = 1;
  std::string report_file;
  std::string log_level = "info";
  std::uint64_t generate_only = 0;

  CLI::App* command = nullptr;

  bool given(const std::string& name) const { return command->count(name) > 0; }
};

// The scenario's options with the command line's flags on top.
std::optional<scenario> configure(const serve_flags& f) {
  scenario s;
  if (!f.scenario_file.empty()) {
    std::string what;
    auto loaded = load_scenario(f.scenario_file, what);
    if (!loaded) {
      spdlog::error("scenario refused what=\"{}\"", what);
      return std::nullopt;
    }
    s = std::move(*loaded);
  }

  auto& g = s.gateway;
  if (f.given("--port"))
    g.port = f.port;
  if (f.given("--resume-port"))
    g.resume_port = f.resume_port;
  if (f.given("--token"))
    g.token = f.token;
  if (f.given("--heartbeat-interval"))
    g.heartbeat_interval = milliseconds(f.heartbeat_interval_ms);
  if (f.given("--heartbeat-grace"))
    g.heartbeat_grace = milliseconds(f.heartbeat_grace_ms);
  if (f.given("--session-window"))
    g.session_window = milliseconds(f.session_window_ms);
  if (f.given("--max-concurrency"))
    g.max_concurrency = f.max_concurrency;
  if (f.given("--identify-window"))
    g.identify_window = milliseconds(f.identify_window_ms);
  if (f.given("--shards"))
    g.recommended_shards = f.shards;
  if (f.given("--session-starts")) {
    g.session_starts.total = f.session_starts;
    g.session_starts.remaining = f.session_starts;
  }
  if (f.given("--tls"))
    g.tls.enabled = true;
  if (f.given("--cert"))
    g.tls.cert_file = f.cert_file;
  if (f.given("--key"))
    g.tls.key_file = f.key_file;
  if (f.given("--guilds"))
    g.world.guild_count = f.guilds;
  if (f.given("--users"))
    g.world.users = f.users;
  if (f.given("--max-guilds-per-shard"))
    g.world.max_guilds_per_shard = f.max_guilds_per_shard;
  if (f.given("--seed"))
    g.world.seed = f.seed;

  // Privileged intents the application has enabled: names, or "none".
  if (f.given("--privileged")) {
    std::error_code ec;
    const auto intents = f.privileged == "none" ? 0u : core::parse_intents(f.privileged, ec);
    if (ec || (intents & ~core::privileged_intents) != 0) {
      spdlog::error("--privileged takes GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT or none");
      return std::nullopt;
    }
    g.world.application_flags = application_flags_for(intents);
  }

  // The bench stream shares the seed of the world and the traffic.
  if (f.given("--bench-events"))
    g.bench_events = f.bench_events;
  if (f.given("--seed"))
    g.bench_generator.seed = f.seed;

  // Traffic from flags replaces the scenario's.
  if (f.given("--rate") || f.given("--traffic-count")) {
    traffic_run run = s.traffic.value_or(traffic_run{});
    run.generator.events_per_second = f.rate;
    run.generator.seed = f.seed;
    run.count = f.traffic_count;
    s.traffic = run;
  }
  return s;
}

// Produces `count` events from the generator and frames each as the gateway would, to show
// how many events per second the generator can feed; prints one JSON line.
int generate_only(const scenario& s, std::uint64_t count) {
  const world w(s.gateway.world);
  auto options = s.traffic.value_or(traffic_run{}).generator;
  options.events_per_second = 0;

  const auto rendering = std::chrono::steady_clock::now();
  traffic_generator generator(w, options);
  const auto started = std::chrono::steady_clock::now();

  std::string frame;
  std::uint64_t bytes = 0;
  for (std::uint64_t seq = 1; seq <= count; ++seq) {
    const auto& event = generator.next();
    frame.clear();
    frame.append(R"({"t":")").append(event.name).append(R"(","s":)");
    frame.append(std::to_string(seq)).append(R"(,"op":0,"d":)").append(event.d).append("}");
    bytes += frame.size();
  }
  const auto finished = std::chrono::steady_clock::now();

  const std::chrono::duration<double> pool_seconds = started - rendering;
  const std::chrono::duration<double> seconds = finished - started;
  json::object result{
      {"events", count},
      {"seconds", seconds.count()},
      {"events_per_second", static_cast<double>(count) / seconds.count()},
      {"bytes_per_second", static_cast<double>(bytes) / seconds.count()},
      {"mean_event_bytes", static_cast<double>(bytes) / static_cast<double>(count)},
      {"pool_events", generator.pool().size()},
      {"pool_render_seconds", pool_seconds.count()},
  };
  std::cout << json::serialize(result) << std::endl;
  return 0;
}

// The control endpoint on the main port, with the same scheme as REST.
std::string control_url(std::string api_base) {
  return api_base.substr(0, api_base.rfind("/api/")) + "/control";
}

int serve(const serve_flags& flags) {
  start_stderr_log("serve", flags.log_level);

  auto s = configure(flags);
  if (!s) {
    return 2;
  }
  if (flags.generate_only > 0) {
    return generate_only(*s, flags.generate_only);
  }

  boost::asio::io_context ioc;
  test_gateway gateway(ioc, s->gateway);
  gateway_ports ports;
  try {
    ports = gateway.start();
  } catch (const std::exception& e) {
    spdlog::error("cannot start the test gateway what=\"{}\"", e.what());
    return 1;
  }

  // The machine-readable first line: where to point a bot (never the token). start() has
  // rendered the bench bodies by now, so a bench client may connect as soon as it reads it.
  json::object listening{
      {"event", "listening"},
      {"gateway_url", gateway.gateway_url()},
      {"resume_url", gateway.resume_url()},
      {"api_base", gateway.api_base()},
      {"port", ports.main},
      {"resume_port", ports.resume},
      {"control", control_url(gateway.api_base())},
  };
  if (s->gateway.bench_events > 0) {
    listening["bench_events"] = s->gateway.bench_events;
  }
  if (!flags.cert_out.empty()) {
    std::ofstream(flags.cert_out) << gateway.generated_cert_pem();
    listening["cert_file"] = flags.cert_out;
  }
  std::cout << json::serialize(listening) << std::endl;

  // Faults and traffic start from inside the io_context, where the gateway's calls run.
  boost::asio::post(ioc, [&] {
    if (!s->faults.empty()) {
      gateway.schedule(s->faults);
    }
    if (s->traffic) {
      gateway.start_traffic(*s->traffic);
    }
  });

  // SIGINT or SIGTERM: write the report, then stop.
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) {
      return;
    }
    if (!flags.report_file.empty()) {
      std::ofstream out(flags.report_file);
      out << json::serialize(gateway.report()) << '\n';
    }
    spdlog::info("stopping signal=received");
    gateway.stop();

    // Timers of detached sessions may still be armed; nothing more is to run.
    ioc.stop();
  });

  ioc.run();
  return 0;
}

// A client normalises its token before sending it, so a token that normalising would change (empty,
// quoted, with a "Bot " prefix or with whitespace inside) could never be matched.
const CLI::Validator bare_token(
    [](const std::string& token) -> std::string {
      std::error_code ec;
      const auto normalized = core::normalize_token(token, ec);
      if (ec || normalized.had_bot_prefix || normalized.value != token) {
        return "takes the bare token a client sends: not empty, with no quotes, \"Bot \" prefix, "
               "whitespace or control characters";
      }
      return {};
    },
    "TOKEN");

// A count, checked as text: CLI11 turns "-1" into the largest value of an unsigned option, and its
// numeric ranges print the largest double in their message.
CLI::Validator at_least(std::uint64_t min) {
  return CLI::Validator(
      [min](const std::string& text) -> std::string {
        std::uint64_t value = 0;
        const auto [end, rc] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (rc != std::errc{} || end != text.data() + text.size() || value < min) {
          return "takes a whole number, " + std::to_string(min) + " or more";
        }
        return {};
      },
      "INT>=" + std::to_string(min));
}

// A rate of events per second: CLI::NonNegativeNumber lets NaN through, since it compares false.
const CLI::Validator events_per_second(
    [](const std::string& text) -> std::string {
      double rate = -1;
      const auto [end, rc] = std::from_chars(text.data(), text.data() + text.size(), rate);
      if (rc != std::errc{} || end != text.data() + text.size() || !std::isfinite(rate) ||
          rate < 0) {
        return "takes a finite number of events per second, 0 or more";
      }
      return {};
    },
    "RATE");

}  // namespace

void add_serve_command(CLI::App& app) {
  auto flags = std::make_shared<serve_flags>();
  auto* cmd = app.add_subcommand(
      "serve", "run the strict local test gateway (WebSocket gateway and REST) on 127.0.0.1");
  flags->command = cmd;

  cmd->add_option("--scenario", flags->scenario_file, "scenario JSON file (options and faults)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--port", flags->port, "main port: REST, /control, WebSocket (0: any)");
  cmd->add_option("--resume-port", flags->resume_port, "resume_gateway_url port (0: any)");
  cmd->add_option("--token", flags->token, "the bare bot token clients must send")
      ->check(bare_token);
  // A Hello interval, identify buckets or recommended shards of 0 are values Discord never sends.
  cmd->add_option("--heartbeat-interval", flags->heartbeat_interval_ms, "Hello interval, ms")
      ->check(at_least(1));
  cmd->add_option("--heartbeat-grace", flags->heartbeat_grace_ms, "4009 after interval+grace, ms")
      ->check(at_least(0));
  cmd->add_option("--session-window", flags->session_window_ms, "resumable after a drop, ms")
      ->check(at_least(0));
  cmd->add_option("--max-concurrency", flags->max_concurrency, "identify buckets per 5 s")
      ->check(at_least(1));
  cmd->add_option("--identify-window", flags->identify_window_ms,
                  "one identify per bucket per this many ms (0: no wait; default 5000)")
      ->check(at_least(0));
  cmd->add_option("--shards", flags->shards, "shards GET /gateway/bot recommends")
      ->check(at_least(1));
  cmd->add_option("--session-starts", flags->session_starts, "identifies allowed in the window")
      ->check(at_least(0));
  cmd->add_flag("--tls", flags->tls, "wss:// and https:// (self-signed unless --cert/--key)");
  cmd->add_option("--cert", flags->cert_file, "PEM certificate chain")->check(CLI::ExistingFile);
  cmd->add_option("--key", flags->key_file, "PEM private key")->check(CLI::ExistingFile);
  cmd->add_option("--write-cert", flags->cert_out,
                  "with --tls and no --cert: write the generated certificate here (PEM)");
  cmd->add_option("--guilds", flags->guilds, "guilds in the world")->check(at_least(0));
  cmd->add_option("--users", flags->users, "human users in the world")->check(at_least(0));
  cmd->add_option("--max-guilds-per-shard", flags->max_guilds_per_shard, "4011 above this")
      ->check(at_least(0));
  cmd->add_option("--privileged", flags->privileged,
                  "privileged intents the application has enabled, or none");
  cmd->add_option("--rate", flags->rate, "generated events per second (0: as fast as possible)")
      ->check(events_per_second);
  cmd->add_option("--traffic-count", flags->traffic_count, "events to generate (0: no end)")
      ->check(at_least(0));
  cmd->add_option("--bench-events", flags->bench_events,
                  "benchmark stream: dispatches each identified session gets before BENCH_DONE "
                  "(0: off)")
      ->check(at_least(0));
  cmd->add_option("--seed", flags->seed, "seed of the world, the traffic and the bench stream")
      ->check(at_least(0));
  cmd->add_option("--report", flags->report_file, "write the report JSON here on exit");
  add_log_level_option(*cmd, flags->log_level, "log level on stderr");
  cmd->add_option("--generate-only", flags->generate_only,
                  "measure the generator with this many events, print JSON, exit")
      ->check(at_least(0));

  cmd->callback([flags] {
    const int code = serve(*flags);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace gatehouse::cli
