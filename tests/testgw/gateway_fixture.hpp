// Shared setup for the test gateway's loopback tests: options with short timings, a gateway
// running on its own thread, and a client connected to it.
#pragma once

#include "testgw/server.hpp"

#include <memory>

#include "raw_client.hpp"

namespace gatehouse::testgw::testing {

// Discord's rules with timings short enough for tests, and no identify window.
inline gateway_options test_options() {
  gateway_options o;
  o.heartbeat_interval = 1000ms;
  o.heartbeat_grace = 1000ms;
  o.identify_window = 0ms;
  o.session_window = 5000ms;
  return o;
}

// A started gateway on its own io_context thread; stopped when it goes.
struct running_gateway {
  explicit running_gateway(gateway_options options = test_options()) : gateway(std::move(options)) {
    ports = gateway.start();
  }

  // A client connected to the main listener (or the resume one).
  std::unique_ptr<raw_client> client(std::string target = "/?v=10&encoding=json",
                                     bool resume = false) {
    auto c = std::make_unique<raw_client>();
    if (!c->connect(resume ? ports.resume : ports.main, std::move(target))) {
      return nullptr;
    }
    return c;
  }

  test_gateway gateway;
  gateway_ports ports;
};

}  // namespace gatehouse::testgw::testing
