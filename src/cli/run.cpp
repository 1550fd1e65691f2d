// `gatehouse run`: reads the token and flags, runs a shard manager until a signal or a fatal
// close, prints the events, and exits with the code of what went wrong.
#include "cli/run.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/config.hpp"
#include "cli/log_level.hpp"
#include "cli/output.hpp"
#include "shards/shard_manager.hpp"

namespace gatehouse::cli {

namespace asio = boost::asio;

namespace {

struct run_flags {
  std::string api_base = "https://discord.com/api/v10";
  std::string intents = "GUILDS,GUILD_MESSAGES,DIRECT_MESSAGES";
  std::string shard = "auto";
  std::string compress = "zlib-stream";
  // stdout already has every event and lifecycle step: stderr is for what goes wrong.
  std::string log_level = "warn";
  std::string ca_file;
  std::string env_file = ".env";
  std::string token;  // only so that --token can be refused with a useful message
  CLI::App* command = nullptr;
};

constexpr std::string_view token_refusal =
    "refusing a token on the command line: other users of this machine can read a process's "
    "arguments; put it in the DISCORD_TOKEN environment variable or in a .env file "
    "(DISCORD_TOKEN=...)";

bool is_base64url(std::string_view s) {
  for (const char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return !s.empty();
}

// "ID/COUNT" into the manager's options; "auto" leaves the count to GET /gateway/bot.
void apply_shard_flag(std::string_view text, shards::manager_options& o) {
  if (text == "auto") {
    return;
  }
  const auto slash = text.find('/');
  std::uint32_t id = 0;
  std::uint32_t count = 0;
  const auto* end = text.data() + text.size();
  const bool parsed =
      slash != std::string_view::npos &&
      std::from_chars(text.data(), text.data() + slash, id).ptr == text.data() + slash &&
      std::from_chars(text.data() + slash + 1, end, count).ptr == end;
  if (!parsed || count == 0 || id >= count) {
    throw config_error("--shard takes ID/COUNT with ID below COUNT (e.g. 0/2), or auto");
  }
  o.shard_count = count;
  o.shard_ids = {id};
  o.reshard_on_4011 = false;  // a fixed layout is the operator's to change (§6)
}

void print(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

// Everything from the flags and the environment; throws config_error.
shards::manager_options configure(const run_flags& f) {
  shards::manager_options o;
  o.token = load_token(process_environment(), f.env_file).token;
  o.intents = load_intents(f.intents);
  o.api_base = load_api_base(f.api_base);
  o.ca_file = f.ca_file;
  o.transport_compression = parse_compression(f.compress);
  apply_shard_flag(f.shard, o);
  if (const auto notice = privileged_notice(o.intents); !notice.empty()) {
    spdlog::info("{}", notice);
  }
  return o;
}

int run(const run_flags& flags) {
  start_stderr_log("run", flags.log_level);

  shards::manager_options options;
  try {
    options = configure(flags);
  } catch (const config_error& e) {
    std::fprintf(stderr, "gatehouse run: %s\n", e.what());
    return static_cast<int>(exit_code::configuration);
  }

  asio::io_context io;
  shards::shard_manager manager(io, options);
  exit_code result = exit_code::ok;
  const auto now = [] { return std::chrono::system_clock::now(); };

  manager.on_dispatch([&](const dispatch_event& e) {
    print(format_dispatch(now(), e.shard_id, e.name, e.sequence, read_fields(e.name, e.data)));
  });
  manager.on_lifecycle([&](const lifecycle_event& e) {
    print(format_lifecycle(now(), e));
    std::fflush(stdout);
  });
  manager.on_event([&](const shards::manager_event& e) {
    print(format_manager_event(now(), e));
    std::fflush(stdout);
    if (e.kind == shards::manager_event_kind::fatal) {
      // The one line an operator needs: what happened and what to do.
      std::fprintf(stderr, "gatehouse run: %s\n", e.message.c_str());
      result = exit_code_for(e);
    } else if (e.kind == shards::manager_event_kind::stopped) {
      io.stop();
    }
  });

  if (auto ec = manager.start()) {
    std::fprintf(stderr, "gatehouse run: %s\n", ec.message().c_str());
    return static_cast<int>(exit_code::configuration);
  }

  // §3.9: a deliberate shutdown closes with 1000. A second signal, or a close that hangs,
  // ends the process anyway; but not a second signal within a second of the first, which is
  // the same stop delivered twice (to the process and to its group, as `timeout` does).
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer deadline(io);
  std::chrono::steady_clock::time_point stopping_since;
  std::function<void(const boost::system::error_code&, int)> on_second =
      [&](const boost::system::error_code& ec, int) {
        if (ec) {
          return;
        }
        if (std::chrono::steady_clock::now() - stopping_since < std::chrono::seconds(1)) {
          return signals.async_wait(on_second);
        }
        io.stop();
      };
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) {
      return;
    }
    spdlog::info("stopping signal={}", signal);
    stopping_since = std::chrono::steady_clock::now();
    manager.close();
    signals.async_wait(on_second);
    deadline.expires_after(std::chrono::seconds(10));
    deadline.async_wait([&](const boost::system::error_code& e) {
      if (!e) {
        spdlog::warn("closing took over 10 s; exiting without waiting");
        io.stop();
      }
    });
  });

  io.run();
  std::fflush(stdout);

  // A duplicate stop arriving while the process exits must not turn exit 0 into death by
  // signal: ignored from here on, instead of the default disposition Asio restores.
  signals.clear();
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);

  return static_cast<int>(result);
}

}  // namespace

compression parse_compression(std::string_view text) {
  if (text == "none") {
    return compression::none;
  }
  if (text == "zlib-stream") {
    return compression::zlib_stream;
  }
  if (text == "zstd-stream") {
    return compression::zstd_stream;
  }
  throw config_error("--compress takes none, zlib-stream or zstd-stream");
}

bool looks_like_token(std::string_view value) {
  const auto first = value.find('.');
  const auto second = first == std::string_view::npos ? first : value.find('.', first + 1);
  if (second == std::string_view::npos || value.find('.', second + 1) != std::string_view::npos) {
    return false;
  }
  const auto a = value.substr(0, first);
  const auto b = value.substr(first + 1, second - first - 1);
  const auto c = value.substr(second + 1);

  return a.size() >= 16 && is_base64url(a) && is_base64url(b) && c.size() >= 16 && is_base64url(c);
}

std::string refuse_token_arguments(const std::vector<std::string>& values) {
  for (const auto& v : values) {
    const std::string_view s(v);
    if (s == "--token" || s.starts_with("--token=") || looks_like_token(s) ||
        (s.starts_with("Bot ") && looks_like_token(s.substr(4)))) {
      return std::string(token_refusal);
    }
  }
  return {};
}

void add_run_command(CLI::App& app) {
  auto flags = std::make_shared<run_flags>();
  auto* cmd = app.add_subcommand(
      "run", "run the bot: connect to the gateway and print every event until SIGINT/SIGTERM");
  flags->command = cmd;
  cmd->footer(
      "The token is read from DISCORD_TOKEN, or from DISCORD_TOKEN= in the .env file; never "
      "from the command line.\n\n" +
      exit_code_help("stopped by SIGINT or SIGTERM (sessions closed with 1000)"));

  cmd->add_option("--api-base", flags->api_base, "REST base URL")->capture_default_str();
  cmd->add_option("--intents", flags->intents, "intent names, comma-separated, or a number")
      ->capture_default_str();
  cmd->add_option("--shard", flags->shard, "ID/COUNT to run one shard, or auto for all")
      ->capture_default_str();
  cmd->add_option("--compress", flags->compress, "none, zlib-stream or zstd-stream")
      ->capture_default_str();
  add_log_level_option(*cmd, flags->log_level, "log level on stderr");
  cmd->add_option("--ca-file", flags->ca_file, "PEM CA bundle; default: the system store");
  cmd->add_option("--env-file", flags->env_file, "the .env file to read DISCORD_TOKEN from")
      ->capture_default_str();
  // Accepted only to be refused with a message, instead of CLI11's "unknown option".
  cmd->add_option("--token", flags->token, "refused: use DISCORD_TOKEN or .env")
      ->expected(0, 1)
      ->group("");
  cmd->allow_extras();

  cmd->callback([flags, cmd] {
    // Any value that looks like a token is refused, wherever it was put.
    std::vector<std::string> values = cmd->remaining();
    for (const auto* opt : cmd->get_options()) {
      for (const auto& r : opt->results()) {
        values.push_back(r);
      }
    }
    if (cmd->count("--token") > 0) {
      values.push_back("--token");
    }
    if (const auto refusal = refuse_token_arguments(values); !refusal.empty()) {
      std::fprintf(stderr, "gatehouse run: %s\n", refusal.c_str());
      throw CLI::RuntimeError(static_cast<int>(exit_code::configuration));
    }
    if (!cmd->remaining().empty()) {
      std::fprintf(stderr, "gatehouse run: unexpected argument %s\n",
                   cmd->remaining().front().c_str());
      throw CLI::RuntimeError(static_cast<int>(exit_code::configuration));
    }

    const int code = run(*flags);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace gatehouse::cli
