// The client's opening handshake (RFC 6455 §4.1): the upgrade request and the checks on the
// server's answer. No I/O.
#pragma once

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::transport {

using upgrade_request = boost::beast::http::request<boost::beast::http::empty_body>;
using upgrade_response = boost::beast::http::response<boost::beast::http::string_body>;

// A fresh Sec-WebSocket-Key: 16 random bytes, base64 (§4.1).
std::string make_websocket_key();

// The Sec-WebSocket-Accept a server must answer `key` with (§4.2.2).
std::string websocket_accept(std::string_view key);

upgrade_request make_upgrade_request(std::string_view host, std::string_view target,
                                     std::string_view key, std::string_view user_agent);

// upgrade_refused unless the answer is 101 with Upgrade: websocket, Connection: upgrade and the
// accept value for `key`, and agrees to no extension or subprotocol (none was asked for).
std::error_code check_upgrade_response(const upgrade_response& response, std::string_view key);

}  // namespace gatehouse::transport
