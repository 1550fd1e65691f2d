// TLS for gateway connections: peer verification always on, against the system store or a
// given CA file, with SNI and host-name checks; a failure names the verifier's reason (G25).
#pragma once

#include <memory>
#include <string>
#include <system_error>

#include <boost/asio/ssl/context.hpp>

namespace gatehouse::transport {

using ssl_context = boost::asio::ssl::context;

// A client context for TLS 1.2 and later that verifies the peer. An empty `ca_file` uses the
// system store. Fails with transport_error::ca_file_unreadable; never returns a context that
// would skip verification.
std::shared_ptr<ssl_context> make_tls_context(const std::string& ca_file, std::error_code& ec);

// Sets SNI and the name the certificate must match on one connection's SSL object. An IP
// address is matched against the certificate's IP addresses, a name against its DNS names.
void prepare_tls_session(SSL* ssl, const std::string& host, std::error_code& ec);

// The transport_error for a failed handshake, from the verifier's result on `ssl`.
std::error_code classify_tls_failure(SSL* ssl);

// The verifier's own words for the failure on `ssl` ("certificate has expired"), for logs.
std::string tls_failure_reason(SSL* ssl);

}  // namespace gatehouse::transport
