// The driver that runs one core shard over gateway connections and one timer.
#include "transport/shard_driver.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <type_traits>
#include <utility>

#include "core/close_code.hpp"
#include "core/opcode.hpp"
#include "transport/endpoint.hpp"
#include "transport/transport_error.hpp"

namespace gatehouse::transport {

namespace {

core::time_point now() {
  return std::chrono::steady_clock::now();
}

long long as_ms(core::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

shard_driver::shard_driver(boost::asio::any_io_executor executor, core::shard_options shard,
                           driver_options options, event_handler handler)
    : executor_(executor),
      gateway_url_(shard.gateway_url),
      shard_(std::move(shard)),
      options_(std::move(options)),
      handler_(std::move(handler)),
      timer_(executor) {}

shard_driver::~shard_driver() {
  // Dropping the socket without a close frame keeps the session resumable (§3.9).
  if (current_) {
    current_->abort();
  }
}

std::error_code shard_driver::start() {
  // Refuse a bad URL or CA file before anything is sent.
  std::error_code ec;
  const auto where = parse_endpoint(gateway_url_, ec);
  if (!ec && where.secure) {
    tls_ = make_tls_context(options_.ca_file, ec);
  }
  if (ec) {
    return ec;
  }

  shard_.start(now());
  drive();

  return {};
}

std::error_code shard_driver::send_command(core::opcode op, std::string_view data) {
  const auto ec = shard_.send_command(op, data, now());
  drive();

  return ec;
}

void shard_driver::close() {
  shard_.close(now());
  drive();
}

core::session_state shard_driver::close_for_restart() {
  auto session = shard_.close_for_restart(now());
  drive();

  return session;
}

std::size_t shard_driver::data_padding(std::string_view data) const {
  const char* end = message_.data() + message_.size();
  if (message_.empty() || data.data() < message_.data() || data.data() + data.size() > end) {
    return 0;
  }

  // The rest of the message and the padding after it are all readable.
  return static_cast<std::size_t>(end - (data.data() + data.size())) + message_padding_;
}

void shard_driver::on_open() {
  shard_.handle_open(now());
  drive();
}

void shard_driver::on_message(std::string_view text, std::size_t padding) {
  message_ = text;
  message_padding_ = padding;
  shard_.handle_message(text, now(), padding);
  drive();
  message_ = {};
}

void shard_driver::on_close(std::uint16_t code, std::string_view reason) {
  // The connection detached itself before reporting: it is gone for the shard.
  current_.reset();
  shard_.handle_close(code, reason, now());
  drive();
}

void shard_driver::on_error(std::error_code ec) {
  // A connection that cannot decode is spent: it closes with the code that keeps the session
  // (§3.9). One that failed to open is already gone.
  if (current_ && current_->is_open()) {
    std::exchange(current_, nullptr)->close(core::resume_close_code, "undecodable message");
  }
  current_.reset();
  shard_.handle_error(ec, now());
  drive();
}

void shard_driver::drive() {
  // The handler may call back in (send_command, close); the outer call drains for it.
  if (driving_) {
    again_ = true;
    return;
  }
  driving_ = true;

  do {
    again_ = false;
    while (auto request = shard_.poll_close()) {
      if (current_) {
        std::exchange(current_, nullptr)->close(request->code, request->reason);
      }
    }
    while (auto request = shard_.poll_connect()) {
      open(*request);
    }
    while (auto out = shard_.poll_transmit()) {
      if (current_ && current_->is_open()) {
        if (spdlog::should_log(spdlog::level::debug)) {
          spdlog::debug("send shard={} op={}", shard_.shard_id(),
                        core::opcode_name(static_cast<int>(out->op)));
        }
        current_->send(std::move(out->payload), out->priority);
      }
    }
    while (auto e = shard_.poll_event()) {
      log_event(*e);
      if (handler_) {
        handler_(*e);
      }
    }
  } while (again_);

  driving_ = false;
  arm_timer();
}

void shard_driver::open(const core::connect_request& request) {
  // A new connection replaces the old for good: nothing of the old one may report again.
  if (current_) {
    std::exchange(current_, nullptr)->abort();
  }

  std::error_code ec;
  auto where = parse_endpoint(request.url, ec);
  if (!ec && where.secure && !tls_) {
    tls_ = make_tls_context(options_.ca_file, ec);
  }
  if (ec) {
    spdlog::warn("connect refused shard={} url={} error=\"{}\"", shard_.shard_id(),
                 without_query(request.url), ec.message());
    shard_.handle_error(ec, now());
    again_ = true;
    return;
  }

  const auto id = ++connections_;
  spdlog::debug("connect shard={} connection={} url={} resume={}", shard_.shard_id(), id,
                without_query(request.url), request.resume);
  current_ = make_connection(executor_, std::move(where), tls_, options_.connection, *this, id);
  current_->start();
}

void shard_driver::arm_timer() {
  // Most messages leave the deadline where it was; the timer is then left alone.
  const auto deadline = shard_.poll_timeout();
  if (deadline == armed_) {
    return;
  }
  armed_ = deadline;
  if (!deadline) {
    timer_.cancel();
    return;
  }

  timer_.expires_at(*deadline);
  timer_.async_wait([this, alive = std::weak_ptr<int>(alive_), at = *deadline](auto ec) {
    if (ec || alive.expired() || armed_ != at) {
      return;
    }
    armed_.reset();
    shard_.handle_timeout(now());
    drive();
  });
}

void shard_driver::log_event(const core::event& e) const {
  const auto shard = shard_.shard_id();
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, core::dispatch_event>) {
          // The hot path: formatting only when someone listens.
          if (spdlog::should_log(spdlog::level::debug)) {
            spdlog::debug("dispatch shard={} t={} s={}", shard, v.name, v.sequence);
          }
        } else if constexpr (std::is_same_v<T, core::hello_event>) {
          spdlog::debug("hello shard={} interval_ms={} first_heartbeat_ms={}", shard,
                        as_ms(v.heartbeat_interval), as_ms(v.first_heartbeat_delay));
        } else if constexpr (std::is_same_v<T, core::ready_event>) {
          spdlog::debug("ready shard={} resume_url={}", shard, without_query(v.resume_url));
        } else if constexpr (std::is_same_v<T, core::resumed_event>) {
          spdlog::debug("resumed shard={} replayed={}", shard, v.replayed);
        } else if constexpr (std::is_same_v<T, core::reconnecting_event>) {
          spdlog::info("reconnecting shard={} reason=\"{}\" close_code={} resume={} delay_ms={}",
                       shard, v.reason.message(), v.close_code, v.resume, as_ms(v.delay));
        } else if constexpr (std::is_same_v<T, core::identify_waiting_event>) {
          if (v.budget_exhausted) {
            spdlog::warn("session start budget used up shard={} wait_ms={}", shard,
                         as_ms(v.until - now()));
          } else {
            spdlog::debug("identify waiting shard={} wait_ms={}", shard, as_ms(v.until - now()));
          }
        } else if constexpr (std::is_same_v<T, core::fatal_event>) {
          spdlog::error("shard stopped shard={} close_code={} reason=\"{}\"", shard, v.close_code,
                        v.message);
        } else if constexpr (std::is_same_v<T, core::closed_event>) {
          spdlog::debug("closed shard={} resumable={}", shard, v.resumable);
        }
      },
      e);
}

}  // namespace gatehouse::transport
