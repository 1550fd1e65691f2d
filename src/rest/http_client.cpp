// A keep-alive connection pool for one origin.
#include "rest/http_client.hpp"

#include <utility>

namespace gatehouse::rest {

http_client::http_client(boost::asio::any_io_executor ex, base_url origin,
                         std::shared_ptr<boost::asio::ssl::context> tls, std::size_t max_idle)
    : ex_(std::move(ex)), origin_(std::move(origin)), tls_(std::move(tls)), max_idle_(max_idle) {}

boost::asio::awaitable<http_response> http_client::send(const http_request& req,
                                                        core::duration timeout,
                                                        std::error_code& ec) {
  // The most recently used connection is the likeliest to be still open.
  std::unique_ptr<http_connection> conn;
  if (!idle_.empty()) {
    conn = std::move(idle_.back());
    idle_.pop_back();
  } else {
    conn = std::make_unique<http_connection>(ex_, origin_, tls_);
  }

  const std::size_t before = conn->connects();
  http_response res = co_await conn->exchange(req, timeout, ec);
  connects_ += conn->connects() - before;

  if (!ec && conn->is_open() && idle_.size() < max_idle_) {
    idle_.push_back(std::move(conn));
  }
  co_return res;
}

}  // namespace gatehouse::rest
