// Accepting connections on 127.0.0.1.
#include "testgw/listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>

#include "testgw/http_connection.hpp"
#include "testgw/server_state.hpp"

namespace gatehouse::testgw {

namespace asio = boost::asio;
using asio::ip::tcp;

listener::listener(test_gateway::state& state, std::uint16_t port, bool is_resume)
    : state_(state), acceptor_(state.ioc()), is_resume_(is_resume) {
  // Loopback only: the test gateway and its control endpoint never face a network.
  tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void listener::accept() {
  acceptor_.async_accept(
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) {
          return;
        }
        if (ec) {
          // Out of descriptors (a connection flood): pause instead of spinning on accept.
          auto timer = std::make_shared<asio::steady_timer>(self->state_.ioc(), milliseconds(10));
          timer->async_wait([self, timer](boost::system::error_code) { self->accept(); });
          return;
        }
        self->serve(std::move(socket));
        self->accept();
      });
}

void listener::serve(tcp::socket socket) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);

  // A refused resume connection closes before a byte is read (G08, G09).
  if (is_resume_ && state_.take_listener_fault(fault_kind::refuse_resume)) {
    spdlog::debug("testgw refused resume connection");
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
    return;
  }
  if (asio::ssl::context* tls = state_.tls()) {
    auto c = std::make_shared<http_connection<tls_stream>>(
        state_, tls_stream(std::move(socket), *tls), is_resume_);
    c->run();
    return;
  }
  auto c = std::make_shared<http_connection<plain_stream>>(state_, plain_stream(std::move(socket)),
                                                           is_resume_);
  c->run();
}

}  // namespace gatehouse::testgw
