// `gatehouse demo`: a scripted scene on one io_context. The embedded test gateway streams
// messages from simulated users; it forces an op 7 reconnect, a zombied connection and a
// dropped TCP connection, and the bot resumes each time. Then a second gateway, whose
// application has no privileged intent enabled, shows the 4014 explanation. Lost and
// duplicated dispatches are counted per session against what the gateway says it sent.
#include "cli/demo.hpp"

#include <simdjson.h>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "cli/log_level.hpp"
#include "cli/output.hpp"
#include "core/intents.hpp"
#include "shards/shard_manager.hpp"
#include "testgw/server.hpp"

namespace gatehouse::cli {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

namespace {

constexpr auto demo_token = "test-token-not-real.abc.def";
constexpr auto scene_bound = 55s;  // the whole demo stays under a minute
constexpr auto step_pause = 3s;    // messages flow this long between two disruptions

struct demo_flags {
  double rate = 20;  // generated events per second
  bool quiet = false;
  std::string log_level = "off";
};

// What the application received in one session.
struct session_tally {
  std::set<std::uint64_t> sequences;
  std::uint64_t received = 0;
};

// The steps of the scene, in order.
enum class step {
  connecting,  // until READY
  streaming,   // messages flow
  reconnect,   // op 7 sent; until RESUMED
  zombie,      // the gateway went silent; until RESUMED
  drop,        // TCP dropped; until RESUMED
  draining,    // traffic stopped; until every sent dispatch arrived
  closing,     // close(1000); until stopped
  privileged,  // the second run; until its fatal 4014 and stop
  done,
};

// A fault on every connection, with its defaults.
testgw::fault fault_of(testgw::fault_kind kind) {
  testgw::fault f;
  f.kind = kind;
  return f;
}

testgw::gateway_options main_gateway_options() {
  testgw::gateway_options o;
  o.token = demo_token;
  o.heartbeat_interval = 1000ms;  // short, so that a zombie shows within two seconds
  o.heartbeat_grace = 1000ms;
  o.identify_window = 1000ms;
  o.world.guild_count = 3;
  o.world.users = 12;
  return o;
}

class scene {
 public:
  explicit scene(const demo_flags& flags)
      : flags_(flags), gateway_(io_, main_gateway_options()), tick_(io_) {}

  int play() {
    started_ = clock::now();
    gateway_.start();
    say("the test gateway listens on " + gateway_.gateway_url() + " (REST " + gateway_.api_base() +
        ")");

    manager_ =
        make_manager(gateway_, core::guilds_intent | core::guild_messages_intent |
                                   core::direct_messages_intent | core::message_content_intent);
    manager_->on_dispatch([this](const dispatch_event& e) { on_dispatch(e); });
    manager_->on_lifecycle([this](const lifecycle_event& e) { on_lifecycle(e); });
    manager_->on_event([this](const shards::manager_event& e) { on_manager_event(e); });
    say("the bot connects and identifies");
    if (auto ec = manager_->start()) {
      say("the bot refused to start: " + ec.message());
      return 1;
    }

    schedule_tick();
    io_.run_for(scene_bound + 5s);

    return summarize();
  }

 private:
  std::unique_ptr<shards::shard_manager> make_manager(testgw::test_gateway& g,
                                                      std::uint32_t intents) {
    shards::manager_options o;
    o.token = demo_token;
    o.api_base = g.api_base();
    o.intents = intents;
    o.transport_compression = compression::zlib_stream;
    o.identify_window = 1000ms;

    return std::make_unique<shards::shard_manager>(io_, o);
  }

  void say(const std::string& text) {
    std::printf("%s demo %s\n", clock_time(std::chrono::system_clock::now()).c_str(), text.c_str());
    std::fflush(stdout);
  }

  void on_dispatch(const dispatch_event& e) {
    auto& tally = sessions_[current_session_[e.shard_id]];
    tally.sequences.insert(e.sequence);
    ++tally.received;
    ++events_;
    if (!flags_.quiet) {
      const auto line = format_dispatch(std::chrono::system_clock::now(), e.shard_id, e.name,
                                        e.sequence, read_fields(e.name, e.data));
      std::printf("%s\n", line.c_str());
    }
  }

  void on_lifecycle(const lifecycle_event& e) {
    std::printf("%s\n", format_lifecycle(std::chrono::system_clock::now(), e).c_str());
    std::fflush(stdout);
    if (e.kind == lifecycle_kind::ready) {
      current_session_[e.shard_id] = e.message;  // READY's dispatch follows this event
    } else if (e.kind == lifecycle_kind::resumed) {
      ++resumes_;
    } else if (e.kind == lifecycle_kind::reconnecting && step_ == step::zombie) {
      // The silence was for the old connection only; the new one must be heard.
      gateway_.clear_faults();
    }
  }

  void on_manager_event(const shards::manager_event& e) {
    std::printf("%s\n", format_manager_event(std::chrono::system_clock::now(), e).c_str());
    if (e.kind == shards::manager_event_kind::fatal && step_ == step::closing) {
      unexpected_fatal_ = true;
    }
  }

  void schedule_tick() {
    tick_.expires_after(100ms);
    tick_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        advance();
      }
    });
  }

  void enter(step s) {
    step_ = s;
    step_started_ = clock::now();
  }

  bool waited(clock::duration d) const { return clock::now() - step_started_ >= d; }

  // The scene's script: each step waits for its condition, then stages the next disruption.
  void advance() {
    if (clock::now() - started_ > scene_bound) {
      say("the scene did not finish in time");
      timed_out_ = true;
      finish();
      return;
    }
    switch (step_) {
      case step::connecting:
        if (manager_->status().size() == 1 && manager_->status()[0].phase == phase_active()) {
          say(fmt::format("READY: simulated users start sending messages ({} per second)",
                          flags_.rate));
          testgw::traffic_run run;
          run.generator.events_per_second = flags_.rate;
          gateway_.start_traffic(run);
          enter(step::streaming);
        }
        break;
      case step::streaming:
        if (waited(step_pause)) {
          disrupt("the gateway sends op 7 Reconnect: the bot must resume, not identify",
                  testgw::fault_kind::reconnect, step::reconnect);
        }
        break;
      case step::reconnect:
        if (has_resumed() && waited(step_pause)) {
          disrupt("the gateway goes silent (a zombied connection): no more heartbeat ACKs",
                  testgw::fault_kind::go_silent, step::zombie);
        }
        break;
      case step::zombie:
        if (has_resumed() && waited(step_pause)) {
          disrupt("the gateway drops the TCP connection without a close frame",
                  testgw::fault_kind::drop, step::drop);
        }
        break;
      case step::drop:
        if (has_resumed() && waited(step_pause)) {
          say("the simulated users stop; the bot takes the last messages");
          gateway_.stop_traffic();
          enter(step::draining);
        }
        break;
      case step::draining:
        if (is_caught_up() || waited(5s)) {
          say("the bot closes with 1000, ending its session");
          manager_->close();
          enter(step::closing);
        }
        break;
      case step::closing:
        if (manager_->is_stopped()) {
          start_privileged_run();
        }
        break;
      case step::privileged:
        if (privileged_ && privileged_->is_stopped()) {
          enter(step::done);
          finish();
          return;
        }
        break;
      case step::done:
        return;
    }
    schedule_tick();
  }

  // Stages one disruption; the bot must resume before the next.
  void disrupt(const std::string& what, testgw::fault_kind kind, step next) {
    say(what);
    resumes_at_step_ = resumes_;
    gateway_.inject(fault_of(kind));
    enter(next);
  }

  bool has_resumed() const { return resumes_ > resumes_at_step_; }

  static shards::shard_phase phase_active() { return shards::shard_phase::active; }

  // Every dispatch the gateway sent on every session has reached the application.
  bool is_caught_up() const {
    for (const auto& id : gateway_.session_ids()) {
      const auto report = gateway_.session_report(id);
      const auto sent = static_cast<std::uint64_t>(report.at("sequence").to_number<double>());
      const auto it = sessions_.find(id);
      if (sent > 0 && (it == sessions_.end() || it->second.sequences.size() < sent)) {
        return false;
      }
    }
    return true;
  }

  // A second gateway whose application enabled no privileged intent; asking for
  // GUILD_MEMBERS must end in 4014 and its explanation (§7.4).
  void start_privileged_run() {
    say("a second bot asks for the privileged intent GUILD_MEMBERS, which the application "
        "has not enabled");
    auto o = main_gateway_options();
    o.world.application_flags = 0;
    second_gateway_ = std::make_unique<testgw::test_gateway>(io_, o);
    second_gateway_->start();

    privileged_ = make_manager(*second_gateway_, core::guilds_intent | core::guild_members_intent);
    privileged_->on_lifecycle([this](const lifecycle_event& e) {
      std::printf("%s\n", format_lifecycle(std::chrono::system_clock::now(), e).c_str());
    });
    privileged_->on_event([this](const shards::manager_event& e) {
      std::printf("%s\n", format_manager_event(std::chrono::system_clock::now(), e).c_str());
      if (e.kind == shards::manager_event_kind::fatal) {
        fatal_code_ = e.close_code;
        fatal_message_ = e.message;
      }
    });
    if (auto ec = privileged_->start()) {
      say("the second bot refused to start: " + ec.message());
    }
    enter(step::privileged);
  }

  // Violations the main gateway recorded on every connection of the bot.
  std::uint64_t count_violations() const {
    std::uint64_t n = 0;
    if (!main_report_.is_object()) {
      return n;
    }
    for (const auto& c : main_report_.at("connections").as_array()) {
      n += c.at("violations").as_array().size();
    }
    return n;
  }

  // Per session: every sequence from 1 to what the gateway sent arrives exactly once. Runs on
  // the io_context, where the gateway answers.
  void count_deliveries() {
    main_report_ = gateway_.report();
    for (const auto& id : gateway_.session_ids()) {
      const auto report = gateway_.session_report(id);
      const auto sent = static_cast<std::uint64_t>(report.at("sequence").to_number<double>());
      ++sessions_count_;
      const auto it = sessions_.find(id);
      const session_tally empty;
      const auto& tally = it == sessions_.end() ? empty : it->second;
      for (std::uint64_t s = 1; s <= sent; ++s) {
        lost_ += tally.sequences.count(s) == 0 ? 1 : 0;
      }
      duplicated_ += tally.received - tally.sequences.size();
    }
    counted_ = true;
  }

  void finish() {
    count_deliveries();
    io_.stop();
  }

  int summarize() {
    gateway_.stop();
    if (second_gateway_) {
      second_gateway_->stop();
    }
    const auto lost = lost_;
    const auto duplicated = duplicated_;
    const auto sessions = sessions_count_;
    const auto violations = count_violations();
    const bool shown_4014 = fatal_code_ == 4014;
    const auto seconds = std::chrono::duration<double>(clock::now() - started_).count();

    std::printf("\n== gatehouse demo summary ==\n");
    std::printf("dispatches received     %llu\n", static_cast<unsigned long long>(events_));
    std::printf("sessions                %llu (resumed %llu times)\n",
                static_cast<unsigned long long>(sessions),
                static_cast<unsigned long long>(resumes_));
    std::printf("lost / duplicated       %llu / %llu\n", static_cast<unsigned long long>(lost),
                static_cast<unsigned long long>(duplicated));
    std::printf("protocol violations     %llu\n", static_cast<unsigned long long>(violations));
    std::printf(
        "privileged intent run   %s\n",
        shown_4014 ? ("closed with 4014: " + fatal_message_).c_str() : "did NOT end with 4014");
    const bool ok = counted_ && lost == 0 && duplicated == 0 && violations == 0 && shown_4014 &&
                    !timed_out_ && !unexpected_fatal_ && resumes_ >= 3;
    std::printf("result                  %s\n", ok ? "PASS" : "FAIL");
    std::printf(
        "events=%llu resumes=%llu lost=%llu duplicated=%llu violations=%llu sessions=%llu "
        "fatal_close=%u seconds=%.1f result=%s\n",
        static_cast<unsigned long long>(events_), static_cast<unsigned long long>(resumes_),
        static_cast<unsigned long long>(lost), static_cast<unsigned long long>(duplicated),
        static_cast<unsigned long long>(violations), static_cast<unsigned long long>(sessions),
        static_cast<unsigned>(fatal_code_), seconds, ok ? "pass" : "fail");
    std::fflush(stdout);

    return ok ? 0 : 1;
  }

  demo_flags flags_;
  asio::io_context io_;
  testgw::test_gateway gateway_;
  std::unique_ptr<testgw::test_gateway> second_gateway_;
  std::unique_ptr<shards::shard_manager> manager_;
  std::unique_ptr<shards::shard_manager> privileged_;
  asio::steady_timer tick_;

  step step_ = step::connecting;
  clock::time_point started_;
  clock::time_point step_started_;
  std::map<std::uint32_t, std::string> current_session_;  // shard id -> session id
  std::map<std::string, session_tally> sessions_;
  std::uint64_t events_ = 0;
  std::uint64_t resumes_ = 0;
  std::uint64_t resumes_at_step_ = 0;
  json::value main_report_;
  std::uint16_t fatal_code_ = 0;
  std::string fatal_message_;
  std::uint64_t lost_ = 0;
  std::uint64_t duplicated_ = 0;
  std::uint64_t sessions_count_ = 0;
  bool counted_ = false;
  bool timed_out_ = false;
  bool unexpected_fatal_ = false;
};

}  // namespace

void add_demo_command(CLI::App& app) {
  auto flags = std::make_shared<demo_flags>();
  auto* cmd = app.add_subcommand(
      "demo",
      "run the bot against an embedded test gateway through reconnects, a zombied connection, "
      "a dropped connection and a 4014; exit 1 if a dispatch was lost or duplicated or the "
      "gateway saw a protocol violation");
  cmd->add_option("--rate", flags->rate, "messages per second from simulated users")
      ->capture_default_str();
  cmd->add_flag("--quiet", flags->quiet, "print lifecycle steps and the summary, not dispatches");
  add_log_level_option(*cmd, flags->log_level, "library log level on stderr");

  cmd->callback([flags] {
    start_stderr_log("demo", flags->log_level);

    scene s(*flags);
    if (s.play() != 0) {
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace gatehouse::cli
