// A tiny scripted HTTP/1.1 server on loopback for the REST client's tests: it records every
// request with its raw header lines and answers with what the test's handler returns.
#pragma once

#include "core/time.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::rest::testing {

struct recorded_request {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // raw, in order
  std::string body;
  std::size_t connection = 0;  // which accepted connection carried it, from 1
  core::time_point at{};

  // The value of the first header named `name` (case-insensitive), empty when absent.
  std::string header(std::string_view name) const;
};

struct canned_response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close_after = false;  // close the connection after answering, without saying so
};

class test_http_server {
 public:
  using handler = std::function<canned_response(const recorded_request&)>;

  test_http_server(boost::asio::io_context& ioc, handler h);

  // "http://127.0.0.1:PORT/api/v10"
  std::string base_url() const;
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  const std::vector<recorded_request>& requests() const { return requests_; }
  std::size_t connections() const { return connections_; }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket, std::size_t id);

  boost::asio::ip::tcp::acceptor acceptor_;
  handler handler_;
  std::vector<recorded_request> requests_;
  std::size_t connections_ = 0;
};

// Runs `client` on `ioc` until it completes (then stops `ioc`) or `bound` passes. Returns
// whether it completed; an exception from the client propagates.
bool run_until_done(boost::asio::io_context& ioc,
                    std::function<boost::asio::awaitable<void>()> client,
                    core::duration bound = core::seconds(10));

}  // namespace gatehouse::rest::testing
