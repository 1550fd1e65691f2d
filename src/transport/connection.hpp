// One gateway connection: a WebSocket over TCP or TLS, opened, read, written through one queue
// and closed. Replaced, never reused, on reconnect.
//
// A connection reports to its listener until detach(), close() or abort(); after that nothing
// of it (its reads, writes, timers, buffers or decompressor) reaches the listener again, so an
// old connection can never touch the shard's new one. Not thread-safe: every call and every
// report happens on the executor the connection was made with (one strand).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "core/shard_options.hpp"
#include "transport/endpoint.hpp"
#include "transport/tls.hpp"
#include "transport/user_agent.hpp"

namespace gatehouse::transport {

struct connection_options {
  core::transport_compression compression = core::transport_compression::none;

  // Bounds one WebSocket message, and each message again after decompression. Far above the
  // READY of a large bot.
  std::size_t max_message_size = 64 * 1024 * 1024;

  // DNS and TCP together; then the TLS, WebSocket and closing handshakes each.
  std::chrono::steady_clock::duration connect_timeout = std::chrono::seconds(15);
  std::chrono::steady_clock::duration handshake_timeout = std::chrono::seconds(10);

  std::string user_agent{default_user_agent};
};

// What a connection reports. Called on the connection's executor.
class connection_listener {
 public:
  // The WebSocket handshake completed.
  virtual void on_open() = 0;

  // One complete gateway message; `padding` readable bytes follow `text`, which stays valid
  // until this call returns.
  virtual void on_message(std::string_view text, std::size_t padding) = 0;

  // The connection ended: `code` is the peer's close code, 0 when it dropped without one.
  virtual void on_close(std::uint16_t code, std::string_view reason) = 0;

  // Opening failed, or a message could not be decoded (the connection is then unusable and
  // waits to be closed).
  virtual void on_error(std::error_code ec) = 0;

 protected:
  ~connection_listener() = default;
};

class connection {
 public:
  virtual ~connection() = default;

  // Resolves, connects, upgrades and then reads until the connection ends. Reports exactly one
  // of on_open (then messages, then on_close or on_error) or on_error.
  virtual void start() = 0;

  // Queues one text message. Priority messages (heartbeats) go ahead of everything queued but
  // the one being written. Dropped when the connection is not open.
  virtual void send(std::string payload, bool priority) = 0;

  // Stops reporting, then closes with `code`: the closing handshake is bounded by the handshake
  // timeout, after which the socket is dropped.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;

  // Stops reporting and drops the socket without a closing handshake.
  virtual void abort() = 0;

  // Stops reporting; the connection carries on until closed or aborted.
  virtual void detach() = 0;

  virtual bool is_open() const = 0;
};

// Makes a connection to `url` on `executor`. `tls` must be set for wss:// URLs. `id` names the
// connection in logs.
std::shared_ptr<connection> make_connection(boost::asio::any_io_executor executor, endpoint url,
                                            std::shared_ptr<ssl_context> tls,
                                            const connection_options& options,
                                            connection_listener& listener, std::uint64_t id);

}  // namespace gatehouse::transport
