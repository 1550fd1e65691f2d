// One accepted TCP (or TLS) connection on a test-gateway listener, as HTTP/1.1 keep-alive:
// REST and /control requests are answered, a WebSocket upgrade hands the stream to a
// ws_connection. Bad requests get 400, bodies over the cap 413, slow senders a timeout.
#pragma once

#include <memory>
#include <optional>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "testgw/ws_connection.hpp"

namespace gatehouse::testgw {

template <typename Stream>
class http_connection : public std::enable_shared_from_this<http_connection<Stream>> {
 public:
  http_connection(test_gateway::state& state, Stream stream, bool resume_listener);

  // Performs the TLS handshake when Stream is TLS, then serves requests.
  void run();

 private:
  using response = boost::beast::http::response<boost::beast::http::string_body>;

  void read_request();
  void on_request(boost::beast::error_code ec);
  void write_response(response res, bool close);
  void shutdown();

  test_gateway::state& state_;
  std::shared_ptr<test_gateway::state> keep_alive_;  // the state outlives every connection
  Stream stream_;
  bool resume_listener_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<response> pending_;
};

extern template class http_connection<plain_stream>;
extern template class http_connection<tls_stream>;

}  // namespace gatehouse::testgw
