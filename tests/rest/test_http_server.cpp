// The scripted loopback HTTP server for the REST client's tests.
#include "test_http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <chrono>
#include <exception>

namespace gatehouse::rest::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

const char* reason(unsigned status) {
  switch (status) {
    case 200:
      return "OK";
    case 401:
      return "Unauthorized";
    case 429:
      return "Too Many Requests";
    case 502:
      return "Bad Gateway";
    default:
      return "Status";
  }
}

// Splits the head into the request line and "Name: value" lines, keeping values raw.
recorded_request parse_head(std::string_view head) {
  recorded_request r;
  bool first = true;
  while (!head.empty()) {
    const auto eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 2);
    if (line.empty()) {
      continue;
    }
    if (first) {
      const auto sp1 = line.find(' ');
      const auto sp2 = line.find(' ', sp1 + 1);
      r.method = line.substr(0, sp1);
      r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
      first = false;
      continue;
    }
    const auto colon = line.find(':');
    std::string_view value = line.substr(colon + 1);
    if (value.starts_with(' ')) {
      value.remove_prefix(1);
    }
    r.headers.emplace_back(line.substr(0, colon), value);
  }
  return r;
}

std::string render(const canned_response& res) {
  std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + reason(res.status) + "\r\n";
  for (const auto& [name, value] : res.headers) {
    out += name + ": " + value + "\r\n";
  }
  out += "Content-Type: application/json\r\n";
  out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n\r\n";
  return out + res.body;
}

}  // namespace

std::string recorded_request::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) {
      return v;
    }
  }
  return {};
}

test_http_server::test_http_server(asio::io_context& ioc, handler h)
    : acceptor_(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      handler_(std::move(h)) {
  asio::co_spawn(ioc, accept_loop(), asio::detached);
}

std::string test_http_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port()) + "/api/v10";
}

asio::awaitable<void> test_http_server::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_return;
    }
    asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket), ++connections_),
                   asio::detached);
  }
}

asio::awaitable<void> test_http_server::serve(tcp::socket socket, std::size_t id) {
  std::string buffer;
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  for (;;) {
    // The head, raw, then exactly Content-Length bytes of body.
    const std::size_t n =
        co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n", token);
    if (ec) {
      co_return;
    }
    recorded_request req = parse_head(std::string_view(buffer).substr(0, n));
    buffer.erase(0, n);
    const std::string length = req.header("Content-Length");
    const std::size_t body_size = length.empty() ? 0 : std::stoul(length);
    if (buffer.size() < body_size) {
      co_await asio::async_read(socket, asio::dynamic_buffer(buffer),
                                asio::transfer_exactly(body_size - buffer.size()), token);
      if (ec) {
        co_return;
      }
    }
    req.body = buffer.substr(0, body_size);
    buffer.erase(0, body_size);
    req.connection = id;
    req.at = std::chrono::steady_clock::now();
    requests_.push_back(req);

    // The scripted answer.
    const canned_response res = handler_(requests_.back());
    co_await asio::async_write(socket, asio::buffer(render(res)), token);
    if (ec || res.close_after) {
      co_return;
    }
  }
}

bool run_until_done(asio::io_context& ioc, std::function<asio::awaitable<void>()> client,
                    core::duration bound) {
  bool done = false;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        co_await client();
        done = true;
        ioc.stop();
      },
      [](std::exception_ptr e) {
        if (e) {
          std::rethrow_exception(e);
        }
      });
  ioc.run_for(bound);
  return done;
}

}  // namespace gatehouse::rest::testing
