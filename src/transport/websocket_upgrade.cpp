// The WebSocket opening handshake of a client (RFC 6455 §4.1, §4.2.2).
#include "transport/websocket_upgrade.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>

#include "transport/transport_error.hpp"

namespace gatehouse::transport {

namespace http = boost::beast::http;

namespace {

// §1.3: the GUID every server appends to the key before hashing.
constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// A header's value contains `token`, compared without case, as one of its comma-separated
// elements.
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    auto element = value.substr(0, comma);
    while (!element.empty() && (element.front() == ' ' || element.front() == '\t')) {
      element.remove_prefix(1);
    }
    while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) {
      element.remove_suffix(1);
    }
    if (element.size() == token.size() &&
        std::equal(element.begin(), element.end(), token.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
    value.remove_prefix(comma == std::string_view::npos ? value.size() : comma + 1);
  }
  return false;
}

}  // namespace

std::string make_websocket_key() {
  std::array<unsigned char, 16> nonce{};
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    std::random_device device;
    for (auto& b : nonce) {
      b = static_cast<unsigned char>(device());
    }
  }
  return base64(nonce.data(), nonce.size());
}

std::string websocket_accept(std::string_view key) {
  std::string input(key);
  input.append(accept_guid);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_sha1(), nullptr);
  return base64(digest.data(), size);
}

upgrade_request make_upgrade_request(std::string_view host, std::string_view target,
                                     std::string_view key, std::string_view user_agent) {
  upgrade_request request{http::verb::get, target, 11};
  request.set(http::field::host, host);
  request.set(http::field::upgrade, "websocket");
  request.set(http::field::connection, "Upgrade");
  request.set(http::field::sec_websocket_key, key);
  request.set(http::field::sec_websocket_version, "13");
  request.set(http::field::user_agent, user_agent);
  return request;
}

std::error_code check_upgrade_response(const upgrade_response& response, std::string_view key) {
  const bool upgraded = response.result() == http::status::switching_protocols &&
                        has_token(response[http::field::upgrade], "websocket") &&
                        has_token(response[http::field::connection], "upgrade") &&
                        response[http::field::sec_websocket_accept] == websocket_accept(key) &&
                        response[http::field::sec_websocket_extensions].empty() &&
                        response[http::field::sec_websocket_protocol].empty();
  if (!upgraded) {
    return transport_error::upgrade_refused;
  }
  return {};
}

}  // namespace gatehouse::transport
