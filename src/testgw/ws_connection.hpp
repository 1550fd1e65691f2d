// The socket side of one test-gateway connection: a Beast WebSocket over TCP or TLS that reads
// client messages (never more than the payload cap plus one byte of each), writes one queued
// message at a time (or a pre-framed bench body, below Beast), and performs closes and drops
// for gateway_connection.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "testgw/gateway_connection.hpp"

namespace gatehouse::testgw {

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using upgrade_request = boost::beast::http::request<boost::beast::http::string_body>;

template <typename Stream>
class ws_connection final : public gateway_connection {
 public:
  ws_connection(test_gateway::state& state, Stream stream, bool resume_listener,
                connection_query query);

  // Completes the upgrade for `request`, then runs until the socket ends.
  void run(upgrade_request request);

  std::size_t backlog() const override { return queued_bytes_; }

 protected:
  void write_message(frame_ptr bytes, bool binary) override;
  void start_close(std::uint16_t code, std::string_view reason) override;
  void drop_socket(bool reset) override;
  void stop_reading() override { reading_ = false; }
  void set_fragment_size(std::size_t size) override;
  void write_body(std::shared_ptr<const bench_body> body, std::string first_frame) override;

 private:
  // One message for Beast to frame, or a bench body: `bytes` is then its re-framed first
  // message, written with the body's other frames as they are.
  struct outgoing {
    frame_ptr bytes;
    bool binary = false;
    std::shared_ptr<const bench_body> body;
  };

  void read_some();
  void on_read(boost::beast::error_code ec, std::size_t n);
  void write_next();
  void write_body_part();
  void on_body_part(boost::beast::error_code ec, std::size_t n, std::size_t to);
  void close_now();
  std::shared_ptr<ws_connection> self() {
    return std::static_pointer_cast<ws_connection>(shared_from_this());
  }

  boost::beast::websocket::stream<Stream> ws_;
  boost::beast::flat_buffer inbound_;
  std::deque<outgoing> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool reading_ = true;
  bool closing_socket_ = false;
  bool dropped_ = false;
  std::size_t body_at_ = 0;  // where the body's next part starts in its frames
  std::optional<boost::beast::websocket::close_reason> pending_close_;
};

extern template class ws_connection<plain_stream>;
extern template class ws_connection<tls_stream>;

}  // namespace gatehouse::testgw
