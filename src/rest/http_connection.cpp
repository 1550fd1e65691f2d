// One keep-alive HTTP/1.1 connection over Beast, plain or TLS.
#include "rest/http_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "transport/tls.hpp"

namespace gatehouse::rest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Writes `req` and reads one response on any connected Beast stream.
template <class Stream>
asio::awaitable<http_response> write_then_read(Stream& stream, beast::tcp_stream& lowest,
                                               beast::flat_buffer& buffer, const http_request& req,
                                               core::duration timeout,
                                               boost::system::error_code& ec) {
  http_response res;
  auto token = asio::redirect_error(asio::use_awaitable, ec);

  // Write the request.
  lowest.expires_after(timeout);
  co_await http::async_write(stream, req, token);
  if (ec) {
    co_return res;
  }

  // Read the whole response.
  lowest.expires_after(timeout);
  co_await http::async_read(stream, buffer, res, token);
  lowest.expires_never();
  co_return res;
}

}  // namespace

http_connection::http_connection(asio::any_io_executor ex, const base_url& origin,
                                 std::shared_ptr<asio::ssl::context> tls)
    : ex_(std::move(ex)), origin_(origin), tls_(std::move(tls)) {}

http_connection::~http_connection() {
  close();
}

void http_connection::close() {
  // A TLS close_notify is not worth a round trip here; the server sees the TCP close.
  boost::system::error_code ignored;
  if (tcp_) {
    tcp_->socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
  if (tls_stream_) {
    beast::get_lowest_layer(*tls_stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
  tcp_.reset();
  tls_stream_.reset();
  buffer_.clear();
}

asio::awaitable<void> http_connection::connect(core::duration timeout, std::error_code& ec) {
  boost::system::error_code bec;
  auto token = asio::redirect_error(asio::use_awaitable, bec);

  // Resolve the host.
  tcp::resolver resolver(ex_);
  const auto endpoints = co_await resolver.async_resolve(origin_.host, origin_.port, token);
  if (bec) {
    ec = bec;
    co_return;
  }

  // Connect TCP.
  auto tcp = std::make_unique<beast::tcp_stream>(ex_);
  tcp->expires_after(timeout);
  co_await tcp->async_connect(endpoints, token);
  if (bec) {
    ec = bec;
    co_return;
  }
  tcp->socket().set_option(tcp::no_delay(true), bec);
  ++connects_;
  spdlog::debug("rest connected host={} port={} tls={}", origin_.host, origin_.port,
                origin_.secure);
  if (!origin_.secure) {
    tcp_ = std::move(tcp);
    co_return;
  }

  // TLS: SNI and the name the certificate must match, then the handshake.
  auto stream = std::make_unique<tls_stream>(std::move(*tcp), *tls_);
  transport::prepare_tls_session(stream->native_handle(), origin_.host, ec);
  if (ec) {
    co_return;
  }
  beast::get_lowest_layer(*stream).expires_after(timeout);
  co_await stream->async_handshake(asio::ssl::stream_base::client, token);
  if (bec) {
    // The operator must act (CA file, clock, proxy), so this is an error with the reason (G25).
    ec = transport::classify_tls_failure(stream->native_handle());
    spdlog::error("rest tls refused host={} reason=\"{}\" fix=\"check ca_file and clock\"",
                  origin_.host, transport::tls_failure_reason(stream->native_handle()));
    co_return;
  }
  tls_stream_ = std::move(stream);
}

asio::awaitable<http_response> http_connection::exchange(const http_request& req,
                                                         core::duration timeout,
                                                         std::error_code& ec) {
  boost::system::error_code bec;
  http_response res;
  ec.clear();

  // A connection the server closed while idle fails at once; one fresh attempt covers it.
  const bool reused = is_open();
  for (int attempt = 0; attempt < (reused ? 2 : 1); ++attempt) {
    bec.clear();
    if (!is_open()) {
      co_await connect(timeout, ec);
      if (ec) {
        close();
        co_return res;
      }
    }

    if (tls_stream_) {
      auto& lowest = beast::get_lowest_layer(*tls_stream_);
      res = co_await write_then_read(*tls_stream_, lowest, buffer_, req, timeout, bec);
    } else {
      res = co_await write_then_read(*tcp_, *tcp_, buffer_, req, timeout, bec);
    }
    if (!bec) {
      break;
    }
    close();

    const bool stale = bec == http::error::end_of_stream || bec == asio::error::eof ||
                       bec == asio::error::connection_reset || bec == asio::error::broken_pipe;
    if (!stale) {
      break;
    }
  }

  ec = bec;
  if (!bec && !res.keep_alive()) {
    close();
  }
  co_return res;
}

}  // namespace gatehouse::rest
