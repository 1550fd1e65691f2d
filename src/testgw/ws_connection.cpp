// Beast WebSocket I/O for test-gateway connections.
#include "testgw/ws_connection.hpp"

#include <algorithm>
#include <array>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "testgw/server_state.hpp"

namespace gatehouse::testgw {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// A bench body goes out in parts of about this size, each ending on a frame boundary, so that
// a close or a drop cuts it between frames.
constexpr std::size_t body_part = 1024 * 1024;

template <typename Stream>
ws_connection<Stream>::ws_connection(test_gateway::state& state, Stream stream,
                                     bool resume_listener, connection_query query)
    : gateway_connection(state, stream.get_executor(), resume_listener, std::move(query)),
      ws_(std::move(stream)) {}

template <typename Stream>
void ws_connection<Stream>::run(upgrade_request request) {
  // The WebSocket has its own timeouts; the HTTP one must not cut a long-lived connection.
  beast::get_lowest_layer(ws_).expires_never();
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = std::chrono::seconds(5);
  ws_.set_option(timeouts);

  // Our own cap gives 4002 (§5.4); Beast's would close with 1009 first.
  ws_.read_message_max(0);
  ws_.auto_fragment(false);

  ws_.async_accept(request, [self = self()](beast::error_code ec) {
    if (ec) {
      self->on_transport_end(0, false, "websocket upgrade failed: " + ec.message());
      return;
    }
    self->begin();
    self->read_some();
  });
}

template <typename Stream>
void ws_connection<Stream>::read_some() {
  if (!reading_ || is_finished()) {
    return;
  }

  // Read at most one byte past the cap, so an oversized message costs bounded memory.
  std::size_t cap = state_of().options().max_payload + 1;
  std::size_t room = cap > inbound_.size() ? cap - inbound_.size() : 1;
  ws_.async_read_some(inbound_, room, [self = self()](beast::error_code ec, std::size_t n) {
    self->on_read(ec, n);
  });
}

template <typename Stream>
void ws_connection<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == websocket::error::closed) {
      on_transport_end(ws_.reason().code, true);
    } else if (ec.category() == websocket::make_error_code(websocket::error::closed).category()) {
      // Beast refused a malformed frame or invalid UTF-8 and closed with 1002 or 1007.
      bool utf8 = ec == websocket::error::bad_frame_payload;
      on_transport_end(utf8 ? 1007 : 1002, false, "bad websocket frame: " + ec.message());
    } else {
      on_transport_end(0, false);
    }
    return;
  }
  if (!reading_) {
    return;  // silent: what arrived is ignored
  }

  std::size_t cap = state_of().options().max_payload;
  bool done = ws_.is_message_done();
  if (inbound_.size() > cap || done) {
    std::string_view text(static_cast<const char*>(inbound_.data().data()), inbound_.size());
    bool binary = ws_.got_binary();
    on_message(text, binary);
    inbound_.clear();
    if (!done) {
      return;  // oversized: on_message closed the connection with 4002
    }
  }
  read_some();
}

template <typename Stream>
void ws_connection<Stream>::write_message(frame_ptr bytes, bool binary) {
  if (closing_socket_ || dropped_) {
    return;
  }

  // A reader that falls this far behind is dropped rather than buffered without bound.
  queued_bytes_ += bytes->size();
  queue_.push_back({std::move(bytes), binary, nullptr});
  if (queued_bytes_ > state_of().options().max_send_queue) {
    record()->add_violation({0, "drop", "slow reader: send queue over its bound", now_ms()});
    drop(false, "slow reader");
    return;
  }
  if (!writing_) {
    write_next();
  }
}

template <typename Stream>
void ws_connection<Stream>::write_next() {
  if (queue_.empty() || dropped_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  if (queue_.front().body) {
    write_body_part();
    return;
  }
  ws_.binary(queue_.front().binary);
  ws_.async_write(boost::asio::buffer(*queue_.front().bytes),
                  [self = self()](beast::error_code ec, std::size_t) {
                    if (self->queue_.empty()) {
                      return;
                    }
                    self->queued_bytes_ -= self->queue_.front().bytes->size();
                    self->queue_.pop_front();
                    if (ec) {
                      self->writing_ = false;
                      return;  // the read side reports the end
                    }
                    if (self->queued_bytes_ < test_gateway::state::low_water) {
                      self->state_of().on_drained();
                    }
                    self->write_next();
                  });
}

template <typename Stream>
void ws_connection<Stream>::write_body(std::shared_ptr<const bench_body> body,
                                       std::string first_frame) {
  if (closing_socket_ || dropped_) {
    return;
  }

  // Not counted against max_send_queue: the body is the gateway's own, already in memory.
  auto first = std::make_shared<const std::string>(std::move(first_frame));
  queue_.push_back({std::move(first), false, std::move(body)});
  if (!writing_) {
    write_next();
  }
}

template <typename Stream>
void ws_connection<Stream>::write_body_part() {
  const outgoing& item = queue_.front();
  const bench_body& body = *item.body;

  // The first part leads with the re-framed first message in place of the body's own.
  const bool first = body_at_ == 0;
  const std::size_t from = first ? body.frame_ends[0] : body_at_;
  auto end = std::lower_bound(body.frame_ends.begin(), body.frame_ends.end(), from + body_part);
  const std::size_t to = end == body.frame_ends.end() ? body.frames.size() : *end;
  const std::array<asio::const_buffer, 2> parts{
      first ? asio::buffer(*item.bytes) : asio::const_buffer(),
      asio::buffer(body.frames.data() + from, to - from)};
  if (first) {
    record()->bench->first_byte_ms = now_ms();
  }

  // Below Beast, on the TCP or TLS stream: the one write queue keeps Beast's own writes out of
  // the way, and the bytes are frames Beast would have written.
  // TODO(#5): Beast answers a ping or a close read meanwhile at once, inside a part; bench
  // clients send neither before BENCH_DONE.
  asio::async_write(ws_.next_layer(), parts,
                    [self = self(), keep = item.body, head = item.bytes, to](
                        beast::error_code ec, std::size_t n) { self->on_body_part(ec, n, to); });
}

template <typename Stream>
void ws_connection<Stream>::on_body_part(beast::error_code ec, std::size_t n, std::size_t to) {
  if (dropped_ || queue_.empty() || !queue_.front().body) {
    return;  // dropped: the queue went with the socket
  }
  bench_record& bench = *record()->bench;
  bench.bytes += n;
  if (ec) {
    writing_ = false;
    return;  // the read side reports the end
  }
  bench.last_write_ms = now_ms();

  // The next part, unless a close waits to follow this one.
  const std::size_t size = queue_.front().body->frames.size();
  if (to < size && !closing_socket_) {
    body_at_ = to;
    write_body_part();
    return;
  }
  bench.complete = to == size;
  body_at_ = 0;
  queue_.pop_front();
  if (pending_close_) {
    writing_ = false;
    close_now();
    return;
  }

  if (queued_bytes_ < test_gateway::state::low_water) {
    state_of().on_drained();
  }
  write_next();
}

template <typename Stream>
void ws_connection<Stream>::start_close(std::uint16_t code, std::string_view reason) {
  // Messages not yet started are dropped: a close ends the conversation at once.
  while (queue_.size() > (writing_ ? 1u : 0u)) {
    if (!queue_.back().body) {
      queued_bytes_ -= queue_.back().bytes->size();
    }
    queue_.pop_back();
  }
  closing_socket_ = true;
  pending_close_.emplace(code);
  pending_close_->reason.assign(reason.data(), reason.size());

  // A body part on the wire ends first; the close frame follows it, and the rest is dropped.
  if (writing_ && queue_.front().body) {
    return;
  }
  close_now();
}

template <typename Stream>
void ws_connection<Stream>::close_now() {
  const websocket::close_reason why = *pending_close_;
  pending_close_.reset();
  ws_.async_close(why, [self = self()](beast::error_code) {
    self->on_transport_end(self->record()->close_code, false);
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

template <typename Stream>
void ws_connection<Stream>::drop_socket(bool reset) {
  dropped_ = true;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  beast::error_code ignored;
  if (reset) {
    socket.set_option(boost::asio::socket_base::linger(true, 0), ignored);
  }
  socket.close(ignored);
  queue_.clear();
  queued_bytes_ = 0;
}

template <typename Stream>
void ws_connection<Stream>::set_fragment_size(std::size_t size) {
  // Beast cuts each message into frames of its write buffer's size, at least 8 bytes.
  ws_.auto_fragment(true);
  ws_.write_buffer_bytes(std::max<std::size_t>(size, 8));
}

template class ws_connection<plain_stream>;
template class ws_connection<tls_stream>;

}  // namespace gatehouse::testgw
