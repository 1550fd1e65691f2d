// One HTTP/1.1 keep-alive connection to the REST origin, over TCP or TLS. TLS always verifies
// the peer's chain and host name and sends SNI (transport/tls.hpp); there is no unverified
// fallback.
//
// Use from one coroutine at a time: exchange() may be called again once the previous one has
// completed, and reconnects by itself when the server closed the connection in between.
#pragma once

#include "core/time.hpp"
#include "rest/base_url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cstddef>
#include <memory>
#include <system_error>

namespace gatehouse::rest {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

class http_connection {
 public:
  // `tls` is required when `origin` is https and ignored otherwise.
  http_connection(boost::asio::any_io_executor ex, const base_url& origin,
                  std::shared_ptr<boost::asio::ssl::context> tls);
  ~http_connection();

  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  // Connects when not connected, writes `req`, reads the whole response. Each step must finish
  // within `timeout`. On failure `ec` is set and the connection is closed; a failed TLS
  // handshake gives the transport_error that names the reason (G25).
  boost::asio::awaitable<http_response> exchange(const http_request& req, core::duration timeout,
                                                 std::error_code& ec);

  bool is_open() const { return tcp_ != nullptr || tls_stream_ != nullptr; }

  // Connections opened so far, the first included; a test's proof of keep-alive.
  std::size_t connects() const { return connects_; }

  void close();

 private:
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  boost::asio::awaitable<void> connect(core::duration timeout, std::error_code& ec);

  boost::asio::any_io_executor ex_;
  base_url origin_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::unique_ptr<boost::beast::tcp_stream> tcp_;  // plain http
  std::unique_ptr<tls_stream> tls_stream_;         // https
  boost::beast::flat_buffer buffer_;
  std::size_t connects_ = 0;
};

}  // namespace gatehouse::rest
