// HTTP/1.1 to one origin with reused keep-alive connections: a request takes an idle connection
// or opens one, and gives it back when the server kept it open. Requests from several
// coroutines run on separate connections, since HTTP/1.1 answers one request at a time.
//
// Not thread-safe: use from the one thread (or strand) that runs its executor.
#pragma once

#include "core/time.hpp"
#include "rest/base_url.hpp"
#include "rest/http_connection.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstddef>
#include <memory>
#include <system_error>
#include <vector>

namespace gatehouse::rest {

class http_client {
 public:
  // `tls` is required when `origin` is https and ignored otherwise. At most `max_idle`
  // connections are kept open between requests.
  http_client(boost::asio::any_io_executor ex, base_url origin,
              std::shared_ptr<boost::asio::ssl::context> tls, std::size_t max_idle = 4);

  // Sends `req` and reads its response; see http_connection::exchange.
  boost::asio::awaitable<http_response> send(const http_request& req, core::duration timeout,
                                             std::error_code& ec);

  const base_url& origin() const { return origin_; }

  // TCP connections opened so far by this client.
  std::size_t connects() const { return connects_; }

 private:
  boost::asio::any_io_executor ex_;
  base_url origin_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::size_t max_idle_;
  std::vector<std::unique_ptr<http_connection>> idle_;
  std::size_t connects_ = 0;
};

}  // namespace gatehouse::rest
