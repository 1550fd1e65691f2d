// A test-gateway listener on 127.0.0.1: accepts TCP connections and serves each as HTTP (with
// the WebSocket upgrade), over TLS when the gateway has a certificate. The main listener and
// the resume listener differ only in the faults that apply to them.
#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "testgw/server.hpp"

namespace gatehouse::testgw {

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Binds 127.0.0.1:port (0: any free port); throws std::system_error when it cannot.
  listener(test_gateway::state& state, std::uint16_t port, bool is_resume);

  std::uint16_t port() const { return port_; }
  void start() { accept(); }
  void stop();

 private:
  void accept();
  void serve(boost::asio::ip::tcp::socket socket);

  test_gateway::state& state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  bool is_resume_;
};

}  // namespace gatehouse::testgw
