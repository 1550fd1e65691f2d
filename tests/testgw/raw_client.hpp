// A tiny raw WebSocket and HTTP client for the test gateway's tests, written on Beast alone so
// that no bug of gatehouse's own client transport can hide a bug of the gateway.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/value.hpp>

namespace gatehouse::testgw::testing {

using namespace std::chrono_literals;

inline constexpr std::string_view fake_token = "test-token-not-real.abc.def";

// Identify's d with the fake token, `intents` and, when num_shards > 0, `shard`.
std::string identify_payload(std::uint32_t intents = 513, int shard_id = 0, int num_shards = 0,
                             std::string_view token = fake_token);
std::string resume_payload(std::string_view session_id, std::uint64_t seq,
                           std::string_view token = fake_token);

class raw_client {
 public:
  raw_client();
  ~raw_client();

  // Opens ws://127.0.0.1:port with `target`; decodes zlib-stream or zstd-stream when the
  // target asks for it. False when the TCP connect or the upgrade fails.
  bool connect(std::uint16_t port, std::string target = "/?v=10&encoding=json");

  void send(std::string_view text);
  void send_binary(std::string_view bytes);

  // The next gateway message as text (decompressed), or nullopt when the connection ended
  // or nothing came within `timeout` (see closed() and timed_out()).
  std::optional<std::string> read(std::chrono::milliseconds timeout = 3s);
  std::optional<boost::json::value> read_json(std::chrono::milliseconds timeout = 3s);

  // Reads until a payload with `op` (and `t`, when given) and returns it; nullopt at the end.
  std::optional<boost::json::value> read_until(int op, std::string_view t = {},
                                               std::chrono::milliseconds timeout = 3s);

  // Reads until the connection ends and returns the close code (0: no close frame), or -1
  // when it is still open after `timeout`.
  int wait_close(std::chrono::milliseconds timeout = 3s);

  // Hello, identify with `intents`, READY: the session id, or empty on failure.
  std::string identify(std::uint32_t intents = 513);

  void close(std::uint16_t code);

  bool closed() const { return closed_; }
  bool timed_out() const { return timed_out_; }
  std::uint16_t close_code() const { return close_code_; }
  std::size_t binary_messages() const { return binary_messages_; }

 private:
  struct inflater;

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::unique_ptr<inflater> inflater_;
  bool closed_ = false;
  bool timed_out_ = false;
  std::uint16_t close_code_ = 0;
  std::size_t binary_messages_ = 0;
};

struct http_result {
  unsigned status = 0;
  std::string body;
  std::string header(std::string_view name) const;
  std::string raw_headers;
};

// One HTTP/1.1 request to 127.0.0.1:port; status 0 when the connection failed.
http_result http_request(std::uint16_t port, std::string_view method, std::string_view target,
                         std::string_view body = {}, std::string_view authorization = {});

// Bytes written as they are, and what came back until the server closed (for bad input);
// `then` is written once the first answer arrives.
std::string raw_exchange(std::uint16_t port, std::string_view bytes,
                         std::chrono::milliseconds timeout = 3s, std::string_view then = {});

}  // namespace gatehouse::testgw::testing
