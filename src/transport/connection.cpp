// One gateway connection over Beast: resolve, TCP, TLS, WebSocket upgrade, a read loop that
// feeds the connection's decoder, one writer queue, and a bounded close.
#include "transport/connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <algorithm>
#include <deque>
#include <type_traits>

#include "core/error.hpp"
#include "transport/message_decoder.hpp"
#include "transport/transport_error.hpp"

namespace gatehouse::transport {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using beast_error = boost::system::error_code;

using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using plain_socket = websocket::stream<beast::tcp_stream>;
using tls_socket = websocket::stream<tls_stream>;

// How much one read asks for; a small message arrives whole in one read.
constexpr std::size_t read_step = 64 * 1024;

struct queued {
  std::string payload;
  bool priority;
};

template <class Socket>
class ws_connection final : public connection,
                            public std::enable_shared_from_this<ws_connection<Socket>> {
 public:
  static constexpr bool is_tls = std::is_same_v<Socket, tls_socket>;

  ws_connection(asio::any_io_executor executor, endpoint url, std::shared_ptr<ssl_context> tls,
                const connection_options& options, connection_listener& listener, std::uint64_t id)
      : url_(std::move(url)),
        tls_(std::move(tls)),
        options_(options),
        resolver_(executor),
        socket_(make_socket(executor, tls_.get())),
        decoder_(options.compression, options.max_message_size),
        listener_(&listener),
        id_(id) {}

  void start() override {
    spdlog::debug("connecting connection={} host={} port={} tls={}", id_, url_.host, url_.port,
                  is_tls);
    beast::get_lowest_layer(socket_).expires_after(options_.connect_timeout);
    resolver_.async_resolve(
        url_.host, url_.port,
        [self = this->shared_from_this()](beast_error ec, tcp::resolver::results_type results) {
          self->on_resolve(ec, std::move(results));
        });
  }

  void send(std::string payload, bool priority) override {
    if (!open_ || closing_) {
      spdlog::debug("send dropped connection={} reason=not_open", id_);
      return;
    }

    // Heartbeats go behind the message being written and any heartbeat already waiting.
    auto at = queue_.begin();
    if (priority) {
      if (writing_) {
        ++at;
      }
      while (at != queue_.end() && at->priority) {
        ++at;
      }
    } else {
      at = queue_.end();
    }
    queue_.insert(at, queued{std::move(payload), priority});

    if (!writing_) {
      write_next();
    }
  }

  void close(std::uint16_t code, std::string_view reason) override {
    detach();
    if (closing_) {
      return;
    }
    closing_ = true;

    // Not open yet: nothing to say goodbye to.
    if (!open_) {
      drop();
      return;
    }

    // Unsent messages die with the connection; the one being written finishes first.
    if (writing_) {
      queue_.erase(std::next(queue_.begin()), queue_.end());
    } else {
      queue_.clear();
    }
    spdlog::debug("closing connection={} code={}", id_, code);
    websocket::close_reason why;
    why.code = code;
    why.reason.assign(reason.data(), std::min(reason.size(), why.reason.max_size()));
    socket_.async_close(why, [self = this->shared_from_this()](beast_error ec) {
      spdlog::debug("closed connection={} clean={}", self->id_, !ec);
      self->drop();
    });
  }

  void abort() override {
    detach();
    closing_ = true;
    drop();
  }

  void detach() override { listener_ = nullptr; }

  bool is_open() const override { return open_ && !closing_; }

 private:
  static Socket make_socket(const asio::any_io_executor& executor, ssl_context* tls) {
    if constexpr (is_tls) {
      return Socket(executor, *tls);
    } else {
      return Socket(executor);
    }
  }

  void on_resolve(beast_error ec, tcp::resolver::results_type results) {
    if (ec) {
      return fail_open("resolve", ec, error::connect_failed);
    }
    beast::get_lowest_layer(socket_).async_connect(
        results, [self = this->shared_from_this()](beast_error ec, const tcp::endpoint&) {
          self->on_connect(ec);
        });
  }

  void on_connect(beast_error ec) {
    if (ec) {
      return fail_open("connect", ec, error::connect_failed);
    }
    if constexpr (is_tls) {
      // SNI and the host name the certificate must carry (G25).
      std::error_code prepared;
      prepare_tls_session(socket_.next_layer().native_handle(), url_.host, prepared);
      if (prepared) {
        return fail_open("tls", ec, prepared);
      }
      beast::get_lowest_layer(socket_).expires_after(options_.handshake_timeout);
      socket_.next_layer().async_handshake(
          asio::ssl::stream_base::client,
          [self = this->shared_from_this()](beast_error ec) { self->on_tls_handshake(ec); });
    } else {
      upgrade();
    }
  }

  void on_tls_handshake(beast_error ec) {
    if constexpr (is_tls) {
      if (ec) {
        SSL* ssl = socket_.next_layer().native_handle();
        if (listener_ != nullptr) {
          // Verification failures need a person: a CA bundle, a clock, a proxy (G25).
          spdlog::warn("tls failed connection={} host={} reason=\"{}\"", id_, url_.host,
                       tls_failure_reason(ssl));
        }
        return fail_open("tls", ec, classify_tls_failure(ssl));
      }
    }
    upgrade();
  }

  void upgrade() {
    // From here the WebSocket's own timeouts apply; no idle timeout, since the shard's
    // heartbeats find a dead connection (§3.2).
    beast::get_lowest_layer(socket_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.handshake_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    socket_.set_option(timeouts);
    socket_.set_option(websocket::stream_base::decorator(
        [agent = options_.user_agent](websocket::request_type& request) {
          request.set(beast::http::field::user_agent, agent);
        }));
    // No limit of Beast's: on_read applies ours, so that the close code is the shard's.
    socket_.read_message_max(0);
    socket_.async_handshake(
        url_.host_header(), url_.target,
        [self = this->shared_from_this()](beast_error ec) { self->on_upgrade(ec); });
  }

  void on_upgrade(beast_error ec) {
    if (ec) {
      return fail_open("upgrade", ec, error::connect_failed);
    }
    open_ = true;
    spdlog::debug("open connection={}", id_);
    if (listener_ != nullptr) {
      listener_->on_open();
    }
    read();
  }

  void read() {
    socket_.async_read_some(
        buffer_, read_step,
        [self = this->shared_from_this()](beast_error ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast_error ec) {
    if (ec) {
      return on_read_failed(ec);
    }

    // Checked while the message arrives, so that an oversized one is never held whole; the
    // shard closes with a code that keeps the session, where Beast's own limit would send 1009.
    if (buffer_.size() > options_.max_message_size) {
      return report_fault(error::message_too_large);
    }
    if (!socket_.is_message_done()) {
      return read();
    }

    // Keep simdjson's padding after the message so that it is parsed where it lies.
    if (buffer_.capacity() - buffer_.size() < message_buffer::padding) {
      buffer_.reserve(buffer_.size() + message_buffer::padding);
    }
    const auto data = buffer_.cdata();
    const std::string_view bytes(static_cast<const char*>(data.data()), data.size());

    std::error_code fault;
    const auto message =
        decoder_.decode(bytes, socket_.got_binary(), buffer_.capacity() - bytes.size(), fault);
    if (fault) {
      return report_fault(fault);
    }
    if (message && listener_ != nullptr) {
      listener_->on_message(message->text, message->padding);
    }
    buffer_.clear();
    if (!closing_) {
      read();
    }
  }

  // The connection cannot go on; the listener decides how to close it.
  void report_fault(std::error_code fault) {
    spdlog::info("bad message connection={} error=\"{}\"", id_, fault.message());
    if (auto* listener = std::exchange(listener_, nullptr)) {
      listener->on_error(fault);
    }
  }

  void on_read_failed(beast_error ec) {
    open_ = false;
    if (listener_ == nullptr || closing_) {
      return;
    }
    auto* listener = std::exchange(listener_, nullptr);

    std::uint16_t code = 0;
    std::string reason;
    if (ec == websocket::error::closed) {
      code = socket_.reason().code;
      reason.assign(socket_.reason().reason.data(), socket_.reason().reason.size());
    }
    spdlog::debug("connection ended connection={} code={} error={}", id_, code, ec.message());
    listener->on_close(code, reason);
  }

  void write_next() {
    writing_ = true;
    socket_.text(true);
    socket_.async_write(
        asio::buffer(queue_.front().payload),
        [self = this->shared_from_this()](beast_error ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast_error ec) {
    writing_ = false;
    if (!queue_.empty()) {
      queue_.pop_front();
    }

    // A failed write ends the connection; the read side reports it.
    if (ec) {
      queue_.clear();
      return;
    }
    if (!queue_.empty() && !closing_) {
      write_next();
    }
  }

  void fail_open(const char* step, beast_error ec, std::error_code reported) {
    spdlog::debug("connect failed connection={} step={} error={}", id_, step, ec.message());
    drop();
    if (auto* listener = std::exchange(listener_, nullptr)) {
      listener->on_error(reported);
    }
  }

  // Closes the socket at once; pending operations end with operation_aborted.
  void drop() {
    open_ = false;
    resolver_.cancel();
    beast_error ignored;
    beast::get_lowest_layer(socket_).socket().close(ignored);
  }

  endpoint url_;
  std::shared_ptr<ssl_context> tls_;  // outlives the stream that refers to it
  connection_options options_;
  tcp::resolver resolver_;
  Socket socket_;
  beast::flat_buffer buffer_;
  message_decoder decoder_;
  std::deque<queued> queue_;
  connection_listener* listener_;
  std::uint64_t id_;
  bool open_ = false;
  bool closing_ = false;
  bool writing_ = false;
};

}  // namespace

std::shared_ptr<connection> make_connection(asio::any_io_executor executor, endpoint url,
                                            std::shared_ptr<ssl_context> tls,
                                            const connection_options& options,
                                            connection_listener& listener, std::uint64_t id) {
  if (url.secure) {
    return std::make_shared<ws_connection<tls_socket>>(std::move(executor), std::move(url),
                                                       std::move(tls), options, listener, id);
  }

  return std::make_shared<ws_connection<plain_socket>>(std::move(executor), std::move(url), nullptr,
                                                       options, listener, id);
}

}  // namespace gatehouse::transport
