// The driver: runs one core shard over gateway connections and one timer on an executor. It is
// the only place where the sans-IO shard meets sockets and the clock.
//
// Data flow: connection bytes -> the connection's decoder -> one complete message ->
// shard::handle_message -> drain poll_close, poll_connect, poll_transmit, poll_event -> re-arm
// the one timer at poll_timeout(). Events go to the handler given at construction.
//
// Thread rules: every member function must be called on the driver's executor (a strand), or
// before the io_context runs; the handler is called there too, and may call back into the
// driver. No threads are started.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "core/event.hpp"
#include "core/shard.hpp"
#include "core/shard_options.hpp"
#include "transport/connection.hpp"

namespace gatehouse::transport {

struct driver_options {
  connection_options connection;
  std::string ca_file;  // empty: the system store
};

class shard_driver final : private connection_listener {
 public:
  // Receives every event the shard emits. A dispatch's views (and the padding after its data,
  // from data_padding()) are valid only during the call.
  using event_handler = std::function<void(const core::event&)>;

  shard_driver(boost::asio::any_io_executor executor, core::shard_options shard,
               driver_options options, event_handler handler);
  ~shard_driver();
  shard_driver(const shard_driver&) = delete;
  shard_driver& operator=(const shard_driver&) = delete;

  // Checks the gateway URL and the TLS settings, then asks for the first connection. Fails,
  // before anything is sent, with transport_error::invalid_url, insecure_url or
  // ca_file_unreadable.
  std::error_code start();

  // Queues an application command; see core::shard::send_command.
  std::error_code send_command(core::opcode op, std::string_view data);

  // Ends the session for good (close code 1000).
  void close();

  // Closes with a 4000-range code and hands back the session for a later process to resume.
  core::session_state close_for_restart();

  // Readable bytes that follow `data` in memory, when `data` views the message being handled
  // (a dispatch's `d`); 0 otherwise.
  std::size_t data_padding(std::string_view data) const;

  const core::shard& shard() const { return shard_; }
  boost::asio::any_io_executor get_executor() const { return executor_; }

 private:
  void on_open() override;
  void on_message(std::string_view text, std::size_t padding) override;
  void on_close(std::uint16_t code, std::string_view reason) override;
  void on_error(std::error_code ec) override;

  void drive();
  void open(const core::connect_request& request);
  void arm_timer();
  void log_event(const core::event& e) const;

  boost::asio::any_io_executor executor_;
  std::string gateway_url_;
  core::shard shard_;
  driver_options options_;
  event_handler handler_;
  std::shared_ptr<ssl_context> tls_;

  std::shared_ptr<connection> current_;
  std::uint64_t connections_ = 0;  // connections made; names them in logs

  boost::asio::steady_timer timer_;
  std::optional<core::time_point> armed_;  // the deadline the timer waits for, if any
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // handlers hold a weak_ptr

  std::string_view message_;  // the message being handled, for data_padding()
  std::size_t message_padding_ = 0;
  bool driving_ = false;
  bool again_ = false;
};

}  // namespace gatehouse::transport
