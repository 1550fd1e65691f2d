// `gatehouse bench sink`: the cheapest reader there can be. It opens the WebSocket, identifies,
// then reads whole messages without decompressing or parsing them, so its rate is the test
// gateway's send rate and not any client's. Blocking I/O on one socket: nothing else to wait for.
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string_view>
#include <utility>

#include "cli/bench_measure.hpp"
#include "cli/bench_roles.hpp"
#include "cli/dotenv.hpp"
#include "core/gateway_url.hpp"
#include "core/payloads.hpp"
#include "transport/endpoint.hpp"

namespace gatehouse::cli {

namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using steady = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

// The --compress names and what the gateway URL's query asks for.
constexpr std::array<std::pair<std::string_view, core::transport_compression>, 3> compressions{{
    {"none", core::transport_compression::none},
    {"zlib-stream", core::transport_compression::zlib_stream},
    {"zstd-stream", core::transport_compression::zstd_stream},
}};

// The gateway URL with the query of the flags' compression, taken apart.
transport::endpoint sink_endpoint(const bench_flags& flags) {
  const auto* c = std::find_if(compressions.begin(), compressions.end(),
                               [&](const auto& entry) { return entry.first == flags.compress; });
  if (c == compressions.end()) {
    throw config_error("--compress takes none, zlib-stream or zstd-stream");
  }
  const auto url =
      core::gateway_url(core::normalize_gateway_base(flags.gateway_url), 10, c->second);
  std::error_code ec;
  auto ep = transport::parse_endpoint(url, ec);
  if (ec || ep.secure) {
    throw config_error("--gateway-url takes ws://127.0.0.1:PORT");
  }

  return ep;
}

}  // namespace

int run_bench_sink(const bench_flags& flags) {
  const auto ep = sink_endpoint(flags);
  const auto options = bench_client_options(flags);
  core::identify_params params;
  params.token = options.token;
  params.intents = options.intents;
  params.os = "linux";
  params.browser = "gatehouse-sink";
  params.device = "gatehouse-sink";
  std::error_code ec;
  const std::string identify = core::identify_payload(params, ec);

  // Blocking reads have no deadline of their own: the alarm ends a run that hangs.
  alarm(static_cast<unsigned>(flags.timeout_s));

  asio::io_context io;
  websocket::stream<tcp::socket> ws(io);
  ws.read_message_max(options.max_message_size);
  std::uint64_t received = 0;
  try {
    tcp::resolver resolver(io);

    // Connect, upgrade, read Hello, identify.
    asio::connect(ws.next_layer(), resolver.resolve(ep.host, ep.port));
    ws.handshake(ep.host_header(), ep.target);
    boost::beast::flat_buffer buffer;
    ws.read(buffer);
    ws.text(true);
    ws.write(asio::buffer(identify));

    // Nothing else is sent before READY: the next message is it.
    buffer.clear();
    ws.read(buffer);
    const auto ready_at = steady::now();
    const double cpu_ready = cpu_seconds();

    // The session's GUILD_CREATEs, the body and BENCH_DONE.
    const std::uint64_t expected = flags.guilds + flags.events + 1;
    std::uint64_t bytes = 0;
    for (std::uint64_t i = 0; i < expected; ++i) {
      buffer.clear();
      bytes += ws.read(buffer);
      ++received;
    }
    const auto done_at = steady::now();
    const double cpu_done = cpu_seconds();

    boost::beast::error_code closing;
    ws.close(websocket::close_code::normal, closing);

    const std::chrono::duration<double> wall = done_at - ready_at;
    print_result({
        {"client", "sink"},
        {"compress", flags.compress},
        {"messages", expected},
        {"bytes", bytes},
        {"wall_s", wall.count()},
        {"cpu_ready_s", cpu_ready},
        {"cpu_done_s", cpu_done},
        {"rss_peak_kib", peak_rss_kib()},
    });
  } catch (const std::exception& e) {
    // The gateway's close code says why it ended the session early.
    spdlog::error("bench sink failed close_code={} received={} what=\"{}\"", ws.reason().code,
                  received, e.what());
    return 1;
  }

  return 0;
}

}  // namespace gatehouse::cli
