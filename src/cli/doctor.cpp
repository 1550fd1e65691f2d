// `gatehouse doctor`: the token, REST, GET /gateway/bot, the application's intent flags, then
// one real gateway connection up to READY, each checked and reported on one line.
#include "cli/doctor.hpp"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/log_level.hpp"
#include "cli/output.hpp"
#include "core/close_code.hpp"
#include "core/error.hpp"
#include "core/intents.hpp"
#include "rest/rest_client.hpp"
#include "rest/rest_error.hpp"

namespace gatehouse::cli {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Application flags that show a privileged intent as enabled: the full flag (granted through
// review) or its _LIMITED twin (switched on below the review threshold), §7.5.
struct intent_flags {
  std::uint32_t intent;
  std::uint64_t flags;
  std::string_view portal_name;
};

constexpr intent_flags privileged_flags[] = {
    {core::guild_presences_intent, (1u << 12) | (1u << 13), "Presence Intent"},
    {core::guild_members_intent, (1u << 14) | (1u << 15), "Server Members Intent"},
    {core::message_content_intent, (1u << 18) | (1u << 19), "Message Content Intent"},
};

// Writes the step lines and remembers the first failure's exit code.
class step_log {
 public:
  explicit step_log(std::ostream& out) : out_(out) {}

  void ok(std::string_view step, std::string_view detail) {
    out_ << fmt::format("[ OK ] {:<18} {}\n", step, detail) << std::flush;
  }

  // `fix` may be empty when `what` already says it.
  void fail(std::string_view step, std::string_view what, std::string_view fix, exit_code code) {
    if (fix.empty()) {
      out_ << fmt::format("[FAIL] {:<18} {}\n", step, what) << std::flush;
    } else {
      out_ << fmt::format("[FAIL] {:<18} {}; fix: {}\n", step, what, fix) << std::flush;
    }
    if (code_ == exit_code::ok) {
      code_ = code;
    }
  }

  exit_code code() const { return code_; }

 private:
  std::ostream& out_;
  exit_code code_ = exit_code::ok;
};

// What the REST steps learnt, for the gateway step.
struct rest_findings {
  bool usable = false;  // the token was accepted and GET /gateway/bot answered
  std::string gateway_url;
};

std::string rest_fix(std::error_code ec) {
  if (ec == rest::rest_error::connection_failed) {
    return "check --api-base, the network and any proxy";
  }
  if (ec.category() != rest::rest_category()) {
    return "the certificate could not be verified: give the right CA bundle with --ca-file";
  }
  return "check --api-base (it ends in /api/v10)";
}

// The application's flags from GET /applications/@me: flags_new, a decimal string that carries
// every bit, in preference to flags (§7.5). Empty when the body has neither as a number.
std::optional<std::uint64_t> application_flags(std::string_view body) {
  boost::system::error_code ec;
  const auto doc = json::parse(body, ec);
  const json::object* app = ec ? nullptr : doc.if_object();
  if (app == nullptr) {
    return std::nullopt;
  }

  if (const auto* text = app->if_contains("flags_new"); text && text->is_string()) {
    const std::string_view digits = text->get_string();
    std::uint64_t flags = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), flags);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size()) {
      return std::nullopt;
    }
    return flags;
  }
  const auto* number = app->if_contains("flags");
  if (number && number->is_uint64()) {
    return number->get_uint64();
  }
  if (number && number->is_int64() && number->get_int64() >= 0) {
    return static_cast<std::uint64_t>(number->get_int64());
  }
  return std::nullopt;
}

// The REST steps' inputs and outputs, owned by diagnose() while the io_context runs.
struct rest_check {
  doctor_options options;
  std::string token;
  std::uint32_t intents = 0;
  step_log* log = nullptr;
  rest_findings found;
};

asio::awaitable<void> rest_steps(asio::any_io_executor ex, rest_check* check) {
  const auto& o = check->options;
  const auto& token = check->token;
  const auto intents = check->intents;
  auto& log = *check->log;
  auto& found = check->found;
  rest::rest_options ro;
  ro.base_url = o.api_base;
  ro.token = token;
  ro.ca_file = o.ca_file;
  ro.max_server_retries = 1;
  rest::rest_client client(ex, ro);
  if (auto ec = client.configuration_error()) {
    log.fail("REST", "cannot use " + o.api_base + ": " + ec.message(),
             "--api-base takes https://discord.com/api/v10 or http://127.0.0.1:PORT/api/v10",
             exit_code::configuration);
    co_return;
  }

  // Reachability without the token: GET /gateway needs no authorization (§1.2).
  std::error_code ec;
  co_await client.get_gateway(ec);
  if (ec) {
    log.fail("REST reachable", "GET /gateway: " + ec.message(), rest_fix(ec), exit_code::failure);
    co_return;
  }
  log.ok("REST reachable", o.api_base + " answers (TLS verified when https)");

  // §9.6: 401 means the token is wrong; nothing more is asked with it.
  const auto user = co_await client.get_current_user(ec);
  if (ec == rest::rest_error::unauthorized) {
    log.fail("REST token", "GET /users/@me answered 401 Unauthorized: the token was rejected",
             "copy the bot's current token (Developer Portal > your application > Bot > Reset "
             "Token) into DISCORD_TOKEN or .env",
             exit_code::authentication);
    co_return;
  }
  if (ec) {
    log.fail("REST token", "GET /users/@me: " + ec.message(), rest_fix(ec), exit_code::failure);
    co_return;
  }
  log.ok("REST token", "accepted: bot user " + user.username + " (id " + user.id + ")");

  const auto bot = co_await client.get_gateway_bot(ec);
  if (ec) {
    log.fail("GET /gateway/bot", ec.message(), rest_fix(ec), exit_code::failure);
    co_return;
  }
  const auto& limit = bot.session_start_limit;
  if (limit.remaining == 0) {
    log.fail("GET /gateway/bot",
             fmt::format("no session starts left; the budget resets in {} s",
                         limit.reset_after_ms / 1000),
             "wait for the reset; stop whatever identifies in a loop (§5.3)", exit_code::failure);
  } else {
    log.ok("GET /gateway/bot",
           fmt::format("url={} shards={} max_concurrency={} session_starts={}/{}", bot.url,
                       bot.shards, limit.max_concurrency, limit.remaining, limit.total));
  }
  found.usable = true;
  found.gateway_url = bot.url;

  // §7.5: the application's flags say which privileged intents are enabled.
  const auto app =
      co_await client.request(boost::beast::http::verb::get, "/applications/@me", "", ec);
  if (ec) {
    log.fail("intents", "GET /applications/@me: " + ec.message(), rest_fix(ec), exit_code::failure);
    co_return;
  }
  const auto flags = application_flags(app.body);
  if (!flags) {
    log.fail("intents",
             "GET /applications/@me answered without flags_new or flags as a number, so the "
             "privileged intents cannot be checked",
             "run again; if it repeats, check --api-base", exit_code::failure);
    co_return;
  }
  std::string missing;
  std::string portal;
  for (const auto& p : privileged_flags) {
    if ((intents & p.intent) != 0 && (*flags & p.flags) == 0) {
      missing += (missing.empty() ? "" : ", ") + core::intent_names(p.intent);
      portal += (portal.empty() ? "" : ", ") + std::string(p.portal_name);
    }
  }
  if (!missing.empty()) {
    log.fail("intents",
             "requested " + missing +
                 " but the application has not enabled it (the gateway "
                 "will close with 4014)",
             "Developer Portal > your application > Bot > Privileged Gateway Intents: switch on " +
                 portal + ", or leave it out of --intents",
             exit_code::intents);
  } else {
    log.ok("intents", core::intent_names(intents) + ": every privileged one is enabled");
  }
}

// One real connection: WebSocket (and TLS), Hello, identify, READY; then close with 1000.
void gateway_steps(const doctor_options& o, const std::string& token, std::uint32_t intents,
                   const rest_findings& found, step_log& log) {
  asio::io_context io;
  client_options co;
  co.token = token;
  co.intents = intents;
  co.gateway_url = found.gateway_url;
  co.transport_compression = o.transport_compression;
  co.ca_file = o.ca_file;
  client_shard shard(io, co);

  bool connected = false;
  bool finished = false;
  auto finish = [&] {
    finished = true;
    io.stop();
  };
  shard.on_lifecycle([&](const lifecycle_event& e) {
    if (finished) {
      return;
    }
    switch (e.kind) {
      case lifecycle_kind::connected:
        connected = true;
        log.ok("gateway connect",
               found.gateway_url + (found.gateway_url.starts_with("wss://")
                                        ? ": TCP, TLS (verified) and WebSocket upgrade done"
                                        : ": TCP and WebSocket upgrade done (no TLS)"));
        log.ok("Hello", "received; heartbeating");
        break;
      case lifecycle_kind::ready:
        log.ok("identify", "READY: the gateway accepted the token, intents and shard");
        shard.close();
        break;
      case lifecycle_kind::reconnecting:
        if (!connected) {
          log.fail("gateway connect", found.gateway_url + ": " + e.reason.message(),
                   "check the network; for a certificate error give --ca-file", exit_code::failure);
          finish();
        } else if (e.reason == gatehouse::error::session_invalidated) {
          // Op 9 in answer to an identify: the identify rate limit or the session budget.
          log.fail("identify",
                   "the gateway refused the identify (op 9 Invalid Session): another session "
                   "with this token identified in the last 5 seconds (a running copy of the "
                   "bot, or doctor itself just now), or the session starts are used up",
                   "stop other copies of the bot, wait 5 seconds and run again",
                   exit_code::failure);
          finish();
        } else {
          log.fail("identify", "the connection was replaced: " + e.reason.message(),
                   "run again; if it repeats, see the log with --log-level debug",
                   exit_code::failure);
          finish();
        }
        break;
      case lifecycle_kind::fatal: {
        shards::manager_event as_manager{.kind = shards::manager_event_kind::fatal,
                                         .reason = e.reason,
                                         .close_code = e.close_code};
        // The core's message carries the explanation and the fix.
        log.fail("identify", fmt::format("closed with {}: {}", e.close_code, e.message), "",
                 exit_code_for(as_manager));
        finish();
        break;
      }
      case lifecycle_kind::closed:
        finish();
        break;
      case lifecycle_kind::identify_waiting:
      case lifecycle_kind::resumed:
        break;
    }
  });

  if (auto ec = shard.start()) {
    log.fail("gateway connect", ec.message(), "check the URL GET /gateway/bot gave and --ca-file",
             exit_code::configuration);
    return;
  }
  asio::steady_timer bound(io, o.gateway_timeout);
  bound.async_wait([&](const boost::system::error_code& ec) {
    if (!ec && !finished) {
      log.fail(connected ? "identify" : "Hello",
               fmt::format("nothing within {} s", o.gateway_timeout.count() / 1000),
               "check that the URL is a Discord gateway", exit_code::failure);
      finish();
    }
  });
  io.run();
}

}  // namespace

int diagnose(const doctor_options& o, std::ostream& out) {
  step_log log(out);

  // The token: found and well-formed, never shown (§10).
  std::string token;
  try {
    const auto found = load_token(o.env ? o.env : process_environment(), o.env_file);
    token = found.token;
    log.ok("token", fmt::format("found in {} ({} characters, {} dot-separated parts)", found.source,
                                token.size(), std::count(token.begin(), token.end(), '.') + 1));
  } catch (const config_error& e) {
    log.fail("token", e.what(), "put DISCORD_TOKEN=<token> in the environment or in .env",
             exit_code::configuration);
    return static_cast<int>(log.code());
  }

  std::uint32_t intents = 0;
  try {
    intents = load_intents(o.intents);
  } catch (const config_error& e) {
    log.fail("intents", e.what(), "fix --intents", exit_code::configuration);
    return static_cast<int>(log.code());
  }

  rest_check check{o, token, intents, &log, {}};
  {
    asio::io_context io;
    // A throw that escapes the steps would otherwise vanish with the coroutine and leave a
    // check unreported, which reads as a pass.
    asio::co_spawn(io, rest_steps(io.get_executor(), &check), [&log](std::exception_ptr e) {
      if (!e) {
        return;
      }
      std::string what = "an error of unknown type";
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& error) {
        what = error.what();
      } catch (...) {  // not a std::exception: the text above stands
      }
      log.fail("REST", "the checks stopped on an unexpected error: " + what,
               "run again with --log-level debug", exit_code::failure);
    });
    io.run();
  }
  if (check.found.usable) {
    gateway_steps(o, token, intents, check.found, log);
  }

  return static_cast<int>(log.code());
}

void add_doctor_command(CLI::App& app) {
  auto options = std::make_shared<doctor_options>();
  auto log_level = std::make_shared<std::string>("off");
  auto* cmd = app.add_subcommand(
      "doctor", "diagnose why the bot cannot connect: token, REST, intents, gateway, identify");
  cmd->footer(exit_code_help("every check passed"));
  cmd->add_option("--api-base", options->api_base, "REST base URL")->capture_default_str();
  cmd->add_option("--intents", options->intents, "intent names, comma-separated, or a number")
      ->capture_default_str();
  cmd->add_option("--ca-file", options->ca_file, "PEM CA bundle; default: the system store");
  cmd->add_option("--env-file", options->env_file, "the .env file to read DISCORD_TOKEN from");
  add_log_level_option(*cmd, *log_level, "library log level on stderr");

  cmd->callback([options, log_level] {
    start_stderr_log("doctor", *log_level);

    const int code = diagnose(*options, std::cout);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace gatehouse::cli
