// HTTP/1.1 keep-alive serving and the WebSocket handoff.
#include "testgw/http_connection.hpp"

#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "testgw/server_state.hpp"

namespace gatehouse::testgw {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto request_timeout = std::chrono::seconds(30);
constexpr std::size_t header_limit = 16 * 1024;

constexpr bool is_tls(const plain_stream*) {
  return false;
}
constexpr bool is_tls(const tls_stream*) {
  return true;
}

}  // namespace

template <typename Stream>
http_connection<Stream>::http_connection(test_gateway::state& state, Stream stream,
                                         bool resume_listener)
    : state_(state),
      keep_alive_(state.shared_from_this()),
      stream_(std::move(stream)),
      resume_listener_(resume_listener) {}

template <typename Stream>
void http_connection<Stream>::run() {
  beast::get_lowest_layer(stream_).expires_after(request_timeout);
  if constexpr (is_tls(static_cast<Stream*>(nullptr))) {
    stream_.async_handshake(boost::asio::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (!ec) {
                                self->read_request();
                              }
                            });
  } else {
    read_request();
  }
}

template <typename Stream>
void http_connection<Stream>::read_request() {
  // A fresh parser per request keeps the caps per request.
  parser_.emplace();
  parser_->body_limit(state_.options().max_http_body);
  parser_->header_limit(header_limit);
  beast::get_lowest_layer(stream_).expires_after(request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                     self->on_request(ec);
                   });
}

template <typename Stream>
void http_connection<Stream>::on_request(beast::error_code ec) {
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
      ec == boost::asio::error::operation_aborted) {
    shutdown();
    return;
  }

  // Bad input gets its status and the connection closed (never a crash, never a buffer).
  if (ec) {
    response res{ec == http::error::body_limit     ? http::status::payload_too_large
                 : ec == http::error::header_limit ? http::status::request_header_fields_too_large
                                                   : http::status::bad_request,
                 11};
    res.set(http::field::content_type, "application/json");
    res.body() =
        R"({"message": ")" +
        std::string(ec == http::error::body_limit ? "Request entity too large" : "Bad request") +
        R"(", "code": 0})";
    write_response(std::move(res), true);
    return;
  }

  auto& req = parser_->get();
  if (state_.is_stopped()) {
    shutdown();
    return;
  }

  // An upgrade hands the stream over; the WebSocket lives on alone (§1.4).
  if (beast::websocket::is_upgrade(req)) {
    auto query = parse_query(std::string_view(req.target().data(), req.target().size()));
    auto ws = std::make_shared<ws_connection<Stream>>(state_, std::move(stream_), resume_listener_,
                                                      std::move(query));
    ws->run(parser_->release());
    return;
  }

  http_exchange exchange;
  exchange.request.method = std::string(req.method_string());
  exchange.request.target = std::string(req.target());
  exchange.request.authorization = std::string(req[http::field::authorization]);
  exchange.request.content_type = std::string(req[http::field::content_type]);
  exchange.request.body = std::move(req.body());
  beast::error_code ignored;
  auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ignored);
  exchange.from_loopback = !ignored && remote.address().is_loopback();

  rest_response answer = state_.handle_http(exchange);
  response res{static_cast<http::status>(answer.status), req.version()};
  for (auto& [name, value] : answer.headers) {
    res.set(name, value);
  }
  if (!answer.body.empty()) {
    res.set(http::field::content_type, "application/json");
  }
  res.body() = std::move(answer.body);
  res.keep_alive(req.keep_alive());
  write_response(std::move(res), !req.keep_alive());
}

template <typename Stream>
void http_connection<Stream>::write_response(response res, bool close) {
  res.set(http::field::server, "gatehouse-testgw");
  res.keep_alive(!close);
  res.prepare_payload();
  pending_ = std::make_shared<response>(std::move(res));
  http::async_write(stream_, *pending_,
                    [self = this->shared_from_this(), close](beast::error_code ec, std::size_t) {
                      self->pending_.reset();
                      if (ec || close) {
                        self->shutdown();
                        return;
                      }
                      self->read_request();
                    });
}

template <typename Stream>
void http_connection<Stream>::shutdown() {
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(stream_).socket();
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

template class http_connection<plain_stream>;
template class http_connection<tls_stream>;

}  // namespace gatehouse::testgw
