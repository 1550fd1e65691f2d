// One gateway connection: resolve, TCP, TLS (Beast/Asio), the WebSocket upgrade (Beast's HTTP),
// then our own framing: large socket reads cut into frames in place, each message fed to the
// connection's decoder; one writer queue; a bounded close.
#include "transport/connection.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <deque>
#include <optional>
#include <type_traits>

#include "core/error.hpp"
#include "transport/message_buffer.hpp"
#include "transport/message_decoder.hpp"
#include "transport/transport_error.hpp"
#include "transport/websocket_frame.hpp"
#include "transport/websocket_upgrade.hpp"

namespace gatehouse::transport {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using beast_error = boost::system::error_code;

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// Socket reads start at this size and double while they come back full, up to the largest: a
// busy connection reads dozens of messages per call, a quiet one keeps a small buffer.
constexpr std::size_t first_read_size = 8 * 1024;
constexpr std::size_t largest_read_size = 256 * 1024;
// A quiet connection gives back a read buffer larger than this.
constexpr std::size_t quiet_buffer_limit = 64 * 1024;
// The body of a refused upgrade is read for the log, no further.
constexpr std::size_t upgrade_body_limit = 16 * 1024;

struct queued {
  std::string frame;  // masked, ready for the socket
  bool priority;
};

std::uint32_t random_mask() {
  std::uint32_t mask = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&mask), sizeof mask);
  return mask;
}

template <class Stream>
class ws_connection final : public connection,
                            public std::enable_shared_from_this<ws_connection<Stream>> {
 public:
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

  ws_connection(asio::any_io_executor executor, endpoint url, std::shared_ptr<ssl_context> tls,
                const connection_options& options, connection_listener& listener, std::uint64_t id)
      : url_(std::move(url)),
        tls_(std::move(tls)),
        options_(options),
        resolver_(executor),
        stream_(make_stream(executor, tls_.get())),
        close_timer_(executor),
        frames_(std::in_place, options.max_message_size),
        decoder_(std::in_place, options.compression, options.max_message_size),
        listener_(&listener),
        id_(id) {}

  void start() override {
    spdlog::debug("connecting connection={} host={} port={} tls={}", id_, url_.host, url_.port,
                  is_tls);
    beast::get_lowest_layer(stream_).expires_after(options_.connect_timeout);
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
    enqueue(frame_opcode::text, payload, priority);
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

    // Unsent messages die with the connection; the one being written finishes first. Then the
    // close frame, and the peer's answer is awaited for the handshake timeout at most (§5.5.1).
    discard_unsent();
    spdlog::debug("closing connection={} code={}", id_, code);
    enqueue(frame_opcode::close, close_payload(code, reason), false);
    close_sent_ = true;
    arm_close_timer();
  }

  void abort() override {
    detach();
    closing_ = true;
    drop();
  }

  void detach() override { listener_ = nullptr; }

  bool is_open() const override { return open_ && !closing_; }

 private:
  static Stream make_stream(const asio::any_io_executor& executor, ssl_context* tls) {
    if constexpr (is_tls) {
      return Stream(executor, *tls);
    } else {
      return Stream(executor);
    }
  }

  void on_resolve(beast_error ec, tcp::resolver::results_type results) {
    if (ec) {
      return fail_open("resolve", ec.message(), error::connect_failed);
    }
    beast::get_lowest_layer(stream_).async_connect(
        results, [self = this->shared_from_this()](beast_error ec, const tcp::endpoint&) {
          self->on_connect(ec);
        });
  }

  void on_connect(beast_error ec) {
    if (ec) {
      return fail_open("connect", ec.message(), error::connect_failed);
    }
    beast_error ignored;
    beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (is_tls) {
      // SNI and the host name the certificate must carry (G25).
      std::error_code prepared;
      prepare_tls_session(stream_.native_handle(), url_.host, prepared);
      if (prepared) {
        return fail_open("tls", prepared.message(), prepared);
      }
      beast::get_lowest_layer(stream_).expires_after(options_.handshake_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::client,
          [self = this->shared_from_this()](beast_error ec) { self->on_tls_handshake(ec); });
    } else {
      upgrade();
    }
  }

  void on_tls_handshake(beast_error ec) {
    if constexpr (is_tls) {
      if (ec) {
        SSL* ssl = stream_.native_handle();
        if (listener_ != nullptr) {
          // Verification failures need a person: a CA bundle, a clock, a proxy (G25).
          spdlog::warn("tls failed connection={} host={} reason=\"{}\"", id_, url_.host,
                       tls_failure_reason(ssl));
        }
        return fail_open("tls", ec.message(), classify_tls_failure(ssl));
      }
    }
    upgrade();
  }

  // RFC 6455 §4.1: the upgrade request, then the server's 101.
  void upgrade() {
    beast::get_lowest_layer(stream_).expires_after(options_.handshake_timeout);
    key_ = make_websocket_key();
    request_ = make_upgrade_request(url_.host_header(), url_.target, key_, options_.user_agent);
    http::async_write(stream_, request_,
                      [self = this->shared_from_this()](beast_error ec, std::size_t) {
                        if (ec) {
                          return self->fail_open("upgrade", ec.message(), error::connect_failed);
                        }
                        self->read_upgrade_response();
                      });
  }

  void read_upgrade_response() {
    response_.emplace();
    response_->body_limit(upgrade_body_limit);
    http::async_read(
        stream_, upgrade_buffer_, *response_,
        [self = this->shared_from_this()](beast_error ec, std::size_t) { self->on_upgrade(ec); });
  }

  void on_upgrade(beast_error ec) {
    if (ec) {
      return fail_open("upgrade", ec.message(), error::connect_failed);
    }
    if (auto refused = check_upgrade_response(response_->get(), key_)) {
      // A person may need to see this: a proxy or a server that is not a gateway.
      spdlog::warn("upgrade refused connection={} host={} status={}", id_, url_.host,
                   static_cast<unsigned>(response_->get().result_int()));
      return fail_open("upgrade", refused.message(), refused);
    }

    // From here no timeout: the shard's heartbeats find a dead connection (§3.2). Frames that
    // came in with the 101 are the first input.
    beast::get_lowest_layer(stream_).expires_never();
    const auto early = upgrade_buffer_.cdata();
    in_.append({static_cast<const char*>(early.data()), early.size()});
    upgrade_buffer_ = {};
    response_.reset();
    request_ = {};

    open_ = true;
    spdlog::debug("open connection={}", id_);
    if (listener_ != nullptr) {
      listener_->on_open();
    }
    if (take_input()) {
      read();
    }
  }

  void read() {
    const auto space = in_.prepare(read_size_);
    asked_ = space.size();
    stream_.async_read_some(
        asio::buffer(space.data(), space.size()),
        [self = this->shared_from_this()](beast_error ec, std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(beast_error ec, std::size_t n) {
    if (ec) {
      return on_read_failed(ec);
    }
    in_.commit(n);
    if (n == asked_ && !discarding_) {
      read_size_ = std::min(read_size_ * 2, largest_read_size);
    }
    if (!take_input()) {
      return;
    }
    if (n < first_read_size && in_.empty() && in_.capacity() > quiet_buffer_limit) {
      // Quiet after a burst: the burst's buffer goes, and reads start small again.
      in_.release_above(quiet_buffer_limit);
      read_size_ = first_read_size;
    }
    read();
  }

  // Hands on what the input holds; false when the peer's close ended the connection.
  bool take_input() {
    if (!discarding_ && !deliver()) {
      return false;
    }
    if (discarding_) {
      // After a fault nothing more is parsed; reading on lets the peer finish its writes and
      // take our close frame, and its end of the stream ends ours.
      in_.consume(in_.size());
    }
    return true;
  }

  // Cuts every complete frame out of the input and hands its message on, until a fault (which
  // sets discarding_) or the peer's close frame (false).
  bool deliver() {
    std::size_t offset = 0;
    for (;;) {
      const std::string_view input = in_.view().substr(offset);
      std::size_t used = 0;
      std::error_code fault;
      const auto event = frames_->next(input, in_.capacity() - in_.size(), used, fault);
      offset += used;
      if (fault) {
        report_fault(fault);
        return true;
      }
      if (!event) {
        break;
      }
      if (!handle(*event)) {
        return false;
      }
      if (discarding_) {
        return true;
      }
    }
    in_.consume(offset);
    return true;
  }

  bool handle(const frame_event& e) {
    switch (e.what) {
      case frame_event::kind::message:
        on_message(e);
        return true;
      case frame_event::kind::ping:
        // §5.5.2: a ping is answered with its own payload.
        if (!closing_) {
          enqueue(frame_opcode::pong, e.payload, true);
        }
        return true;
      case frame_event::kind::pong:
        return true;
      case frame_event::kind::close:
        on_peer_close(e.close_code, e.close_reason);
        return false;
    }
    return true;
  }

  void on_message(const frame_event& e) {
    if (listener_ == nullptr) {
      return;  // closing or detached: read on only for the peer's close frame
    }
    std::error_code fault;
    const auto message = decoder_->decode(e.payload, e.binary, e.padding, fault);
    if (fault) {
      return report_fault(fault);
    }
    if (message) {
      listener_->on_message(message->text, message->padding);
    }
  }

  // §5.5.1: the peer's close is answered with a close, after which the socket goes.
  void on_peer_close(std::uint16_t code, std::string_view reason) {
    open_ = false;
    if (close_sent_) {
      spdlog::debug("closed connection={} clean=true", id_);
      return drop();
    }
    if (auto* listener = std::exchange(listener_, nullptr); listener != nullptr && !closing_) {
      spdlog::debug("connection ended connection={} code={}", id_, code);
      listener->on_close(code, reason);
    }
    closing_ = true;
    discard_unsent();
    enqueue(frame_opcode::close, close_reply(code), false);
    close_sent_ = true;
    drop_after_write_ = true;
    // A peer that stops reading must not keep the socket: the reply gets the handshake timeout.
    arm_close_timer();
  }

  // Bounds the closing handshake: the socket goes when it runs out.
  void arm_close_timer() {
    close_timer_.expires_after(options_.handshake_timeout);
    close_timer_.async_wait([self = this->shared_from_this()](beast_error ec) {
      if (!ec) {
        spdlog::debug("closed connection={} clean=false", self->id_);
        self->drop();
      }
    });
  }

  // The connection cannot go on; the listener decides how to close it.
  void report_fault(std::error_code fault) {
    discarding_ = true;
    spdlog::info("bad message connection={} error=\"{}\"", id_, fault.message());
    // The fragments, the decompressed output and the read size a peer made us hold go now,
    // not after the closing handshake: a shard reconnects at once, and a hostile peer could
    // otherwise keep several limits' worth alive.
    frames_.reset();
    decoder_.reset();
    read_size_ = first_read_size;
    if (auto* listener = std::exchange(listener_, nullptr)) {
      listener->on_error(fault);
    }
  }

  void on_read_failed(beast_error ec) {
    open_ = false;
    if (closing_) {
      return drop();
    }
    auto* listener = std::exchange(listener_, nullptr);
    if (listener == nullptr) {
      return;
    }
    // A close frame is handled where it is read: this is a drop without one.
    spdlog::debug("connection ended connection={} code=0 error={}", id_, ec.message());
    listener->on_close(0, {});
  }

  void enqueue(frame_opcode opcode, std::string_view payload, bool priority) {
    std::string frame;
    frame.reserve(payload.size() + 14);
    append_client_frame(frame, opcode, payload, random_mask());

    // Heartbeats and pongs go behind the frame being written and any already waiting.
    auto at = queue_.end();
    if (priority) {
      at = queue_.begin();
      if (writing_) {
        ++at;
      }
      while (at != queue_.end() && at->priority) {
        ++at;
      }
    }
    queue_.insert(at, queued{std::move(frame), priority});
    if (!writing_) {
      write_next();
    }
  }

  void discard_unsent() {
    queue_.erase(writing_ ? std::next(queue_.begin()) : queue_.begin(), queue_.end());
  }

  void write_next() {
    writing_ = true;
    asio::async_write(
        stream_, asio::buffer(queue_.front().frame),
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
    if (!queue_.empty()) {
      return write_next();
    }
    if (drop_after_write_) {
      drop();
    }
  }

  void fail_open(const char* step, const std::string& why, std::error_code reported) {
    spdlog::debug("connect failed connection={} step={} error=\"{}\"", id_, step, why);
    drop();
    if (auto* listener = std::exchange(listener_, nullptr)) {
      listener->on_error(reported);
    }
  }

  // Closes the socket at once; pending operations end with operation_aborted.
  void drop() {
    open_ = false;
    resolver_.cancel();
    close_timer_.cancel();
    beast_error ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  endpoint url_;
  std::shared_ptr<ssl_context> tls_;  // outlives the stream that refers to it
  connection_options options_;
  tcp::resolver resolver_;
  Stream stream_;
  asio::steady_timer close_timer_;

  // The opening handshake, released once open.
  std::string key_;
  upgrade_request request_;
  std::optional<http::response_parser<http::string_body>> response_;
  beast::flat_buffer upgrade_buffer_;

  message_buffer in_;  // socket bytes not yet cut into frames
  std::size_t read_size_ = first_read_size;
  std::size_t asked_ = 0;
  // Both go with the first fault, and with them what a peer made them hold.
  std::optional<frame_reader> frames_;
  std::optional<message_decoder> decoder_;

  std::deque<queued> queue_;
  connection_listener* listener_;
  std::uint64_t id_;
  bool open_ = false;
  bool closing_ = false;
  bool writing_ = false;
  bool close_sent_ = false;
  bool drop_after_write_ = false;
  bool discarding_ = false;  // a fault ended parsing; input is read and thrown away
};

}  // namespace

std::shared_ptr<connection> make_connection(asio::any_io_executor executor, endpoint url,
                                            std::shared_ptr<ssl_context> tls,
                                            const connection_options& options,
                                            connection_listener& listener, std::uint64_t id) {
  if (url.secure) {
    return std::make_shared<ws_connection<tls_stream>>(std::move(executor), std::move(url),
                                                       std::move(tls), options, listener, id);
  }

  return std::make_shared<ws_connection<plain_stream>>(std::move(executor), std::move(url), nullptr,
                                                       options, listener, id);
}

}  // namespace gatehouse::transport
