// Test support: a tiny WebSocket server on 127.0.0.1 that the tests script by hand, on the same
// io_context as the client. Each accepted connection records what it receives and how it was
// closed; the test sends text, binary or fragmented messages, closes or drops it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gatehouse::transport::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

class server_connection : public std::enable_shared_from_this<server_connection> {
 public:
  explicit server_connection(asio::ip::tcp::socket socket) : ws_(std::move(socket)) {}

  void start(std::function<void(server_connection&)> on_open) {
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
      if (kind == websocket::frame_type::pong) {
        pongs.emplace_back(payload);
      }
    });
    ws_.async_accept([self = shared_from_this(), on_open](beast::error_code ec) {
      if (ec) {
        return;
      }
      self->open = true;
      if (on_open) {
        on_open(*self);
      }
      if (self->reads) {
        self->read();
      }
    });
  }

  void ping(std::string payload) {
    ping_payload_ = std::move(payload);
    ws_.async_ping(websocket::ping_data(ping_payload_.c_str()),
                   [self = shared_from_this()](beast::error_code) {});
  }

  // Sends one message; `frames` > 1 splits it into that many WebSocket frames.
  void send(std::string bytes, bool binary, std::size_t frames = 1) {
    queue_.push_back({std::move(bytes), binary, frames});
    if (queue_.size() == 1) {
      write_next();
    }
  }
  void send_text(std::string text) { send(std::move(text), false); }

  void close(std::uint16_t code) {
    websocket::close_reason why;
    why.code = code;
    ws_.async_close(why, [self = shared_from_this()](beast::error_code) {});
  }

  // Ends TCP with no close frame.
  void drop() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  // True when a received message has this opcode.
  bool has_op(int op) const {
    const auto needle = "\"op\":" + std::to_string(op) + ",";
    return std::any_of(received.begin(), received.end(),
                       [&](const std::string& m) { return m.find(needle) != std::string::npos; });
  }

  bool reads = true;  // false in on_open: never reads, so never answers the client's close
  bool open = false;
  bool ended = false;
  std::vector<std::string> pongs;  // payloads of the client's pongs
  std::uint16_t close_code = 0;    // the client's close code, 0 when it dropped
  std::vector<std::string> received;

 private:
  struct pending {
    std::string bytes;
    bool binary;
    std::size_t frames;
  };

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->ended = true;
        self->open = false;
        if (ec == websocket::error::closed) {
          self->close_code = self->ws_.reason().code;
        }
        return;
      }
      self->received.push_back(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.clear();
      self->read();
    });
  }

  void write_next() {
    auto& p = queue_.front();
    ws_.binary(p.binary);
    const std::size_t step = p.bytes.size() / p.frames + 1;
    write_frame(0, step);
  }

  void write_frame(std::size_t at, std::size_t step) {
    auto& p = queue_.front();
    const std::size_t n = std::min(step, p.bytes.size() - at);
    const bool fin = at + n >= p.bytes.size();
    ws_.async_write_some(
        fin, asio::buffer(p.bytes.data() + at, n),
        [self = shared_from_this(), at, n, step, fin](beast::error_code ec, std::size_t) {
          if (ec) {
            self->queue_.clear();
            return;
          }
          if (!fin) {
            return self->write_frame(at + n, step);
          }
          self->queue_.pop_front();
          if (!self->queue_.empty()) {
            self->write_next();
          }
        });
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::string ping_payload_;
  beast::flat_buffer buffer_;
  std::deque<pending> queue_;
};

class ws_test_server {
 public:
  explicit ws_test_server(asio::io_context& io)
      : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
  }

  // Called on each new connection once the upgrade completed.
  std::function<void(server_connection&)> on_open;

  std::string url(std::string_view query = "/?v=10&encoding=json") const {
    return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) +
           std::string(query);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  std::vector<std::shared_ptr<server_connection>> connections;

 private:
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, asio::ip::tcp::socket socket) {
      if (ec) {
        return;
      }
      auto c = std::make_shared<server_connection>(std::move(socket));
      connections.push_back(c);
      c->start(on_open);
      accept();
    });
  }

  asio::ip::tcp::acceptor acceptor_;
};

// Runs `io` until `done()` holds or `limit` passes; returns done().
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < until) {
    io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace gatehouse::transport::testing
