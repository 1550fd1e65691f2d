// The tests' raw WebSocket and HTTP client.
#include "raw_client.hpp"

#include <functional>
#include <sstream>

#include <zlib.h>
#include <zstd.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace gatehouse::testgw::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using asio::ip::tcp;

std::string identify_payload(std::uint32_t intents, int shard_id, int num_shards,
                             std::string_view token) {
  json::object d{{"token", token},
                 {"properties", json::object{{"os", "linux"}, {"browser", "t"}, {"device", "t"}}},
                 {"intents", intents}};
  if (num_shards > 0) {
    d["shard"] = json::array{shard_id, num_shards};
  }
  return json::serialize(json::object{{"op", 2}, {"d", d}});
}

std::string resume_payload(std::string_view session_id, std::uint64_t seq, std::string_view token) {
  return json::serialize(json::object{
      {"op", 6}, {"d", json::object{{"token", token}, {"session_id", session_id}, {"seq", seq}}}});
}

struct raw_client::inflater {
  bool zstd = false;
  z_stream zs{};
  ZSTD_DCtx* dctx = nullptr;
  std::string pending;

  explicit inflater(bool use_zstd) : zstd(use_zstd) {
    if (zstd) {
      dctx = ZSTD_createDCtx();
    } else {
      inflateInit(&zs);
    }
  }
  ~inflater() {
    if (zstd) {
      ZSTD_freeDCtx(dctx);
    } else {
      inflateEnd(&zs);
    }
  }

  // A whole gateway message, or nullopt while a zlib message is still incomplete.
  std::optional<std::string> feed(std::string_view bytes) {
    std::string out;
    char buf[16384];
    if (zstd) {
      ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
      while (true) {
        ZSTD_outBuffer o{buf, sizeof buf, 0};
        if (ZSTD_isError(ZSTD_decompressStream(dctx, &o, &in))) {
          return "<zstd error>";
        }
        out.append(buf, o.pos);
        if (in.pos == in.size && o.pos < o.size) {
          return out;
        }
      }
    }
    pending.append(bytes);
    if (pending.size() < 4 || pending.compare(pending.size() - 4, 4, "\x00\x00\xff\xff", 4)) {
      return std::nullopt;
    }
    zs.next_in = reinterpret_cast<Bytef*>(pending.data());
    zs.avail_in = static_cast<uInt>(pending.size());
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      int rc = inflate(&zs, Z_SYNC_FLUSH);
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return "<zlib error>";
      }
      out.append(buf, sizeof buf - zs.avail_out);
    } while (zs.avail_in > 0 || zs.avail_out == 0);
    pending.clear();
    return out;
  }
};

raw_client::raw_client() : ws_(ioc_) {}
raw_client::~raw_client() = default;

bool raw_client::connect(std::uint16_t port, std::string target) {
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) {
    return false;
  }
  ws_.handshake("127.0.0.1:" + std::to_string(port), target, ec);
  if (ec) {
    return false;
  }
  ws_.read_message_max(64 * 1024 * 1024);
  if (target.find("compress=zlib-stream") != std::string::npos) {
    inflater_ = std::make_unique<inflater>(false);
  } else if (target.find("compress=zstd-stream") != std::string::npos) {
    inflater_ = std::make_unique<inflater>(true);
  }
  return true;
}

void raw_client::send(std::string_view text) {
  beast::error_code ec;
  ws_.text(true);
  ws_.write(asio::buffer(text.data(), text.size()), ec);
}

void raw_client::send_binary(std::string_view bytes) {
  beast::error_code ec;
  ws_.binary(true);
  ws_.write(asio::buffer(bytes.data(), bytes.size()), ec);
}

std::optional<std::string> raw_client::read(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && !timed_out_) {
    std::optional<beast::error_code> result;
    buffer_.clear();
    ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) { result = ec; });
    ioc_.restart();
    ioc_.run_until(deadline);
    if (!result) {
      // Nothing in time: the read is cancelled and this client is done.
      timed_out_ = true;
      beast::get_lowest_layer(ws_).socket().cancel();
      ioc_.restart();
      ioc_.run();
      return std::nullopt;
    }
    if (*result) {
      closed_ = true;
      close_code_ = *result == beast::websocket::error::closed ? ws_.reason().code : 0;
      return std::nullopt;
    }
    std::string bytes = beast::buffers_to_string(buffer_.data());
    if (!ws_.got_binary()) {
      return bytes;
    }
    ++binary_messages_;
    if (!inflater_) {
      return bytes;
    }
    if (auto text = inflater_->feed(bytes)) {
      return text;
    }
  }
  return std::nullopt;
}

std::optional<json::value> raw_client::read_json(std::chrono::milliseconds timeout) {
  auto text = read(timeout);
  if (!text) {
    return std::nullopt;
  }
  std::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec) {
    return json::value(json::string(*text));
  }
  return v;
}

std::optional<json::value> raw_client::read_until(int op, std::string_view t,
                                                  std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return std::nullopt;
    }
    auto v = read_json(left);
    if (!v) {
      return std::nullopt;
    }
    const json::object* o = v->if_object();
    if (o == nullptr || !o->contains("op") || o->at("op").as_int64() != op) {
      continue;
    }
    if (t.empty() || (o->at("t").is_string() && o->at("t").get_string() == t)) {
      return v;
    }
  }
}

int raw_client::wait_close(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || timed_out_) {
      return -1;
    }
    read(left);
  }
  return close_code_;
}

std::string raw_client::identify(std::uint32_t intents) {
  if (!read_until(10)) {
    return {};
  }
  send(identify_payload(intents));
  auto ready = read_until(0, "READY");
  if (!ready) {
    return {};
  }
  return std::string(ready->at("d").at("session_id").as_string());
}

void raw_client::close(std::uint16_t code) {
  beast::error_code ec;
  ws_.close(beast::websocket::close_reason(code), ec);
  closed_ = true;
}

namespace {

beast::error_code connect_loopback(tcp::socket& socket, std::uint16_t port) {
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return ec;
}

}  // namespace

std::string http_result::header(std::string_view name) const {
  std::string key = "\n" + std::string(name) + ": ";
  auto at = raw_headers.find(key);
  if (at == std::string::npos) {
    return {};
  }
  auto start = at + key.size();
  return raw_headers.substr(start, raw_headers.find('\r', start) - start);
}

http_result http_request(std::uint16_t port, std::string_view method, std::string_view target,
                         std::string_view body, std::string_view authorization) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec = connect_loopback(socket, port);
  if (ec) {
    return {};
  }
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!authorization.empty()) {
    req.set(http::field::authorization, authorization);
  }
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::string(body);
  }
  req.prepare_payload();
  http::write(socket, req, ec);

  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res, ec);
  if (ec) {
    return {};
  }
  std::ostringstream headers;
  headers << res.base();
  return {res.result_int(), res.body(), headers.str()};
}

std::string raw_exchange(std::uint16_t port, std::string_view bytes,
                         std::chrono::milliseconds timeout, std::string_view then) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec = connect_loopback(socket, port);
  if (ec) {
    return {};
  }
  asio::write(socket, asio::buffer(bytes.data(), bytes.size()), ec);

  std::string out;
  char buf[4096];
  std::function<void()> read_more = [&] {
    socket.async_read_some(asio::buffer(buf), [&](beast::error_code e, std::size_t n) {
      out.append(buf, n);
      if (!then.empty() && n > 0) {
        beast::error_code ignored;
        asio::write(socket, asio::buffer(then.data(), then.size()), ignored);
        then = {};
      }
      if (!e) {
        read_more();
      }
    });
  };
  read_more();
  ioc.run_for(timeout);
  return out;
}

}  // namespace gatehouse::testgw::testing
