// Errors of the transport beyond gatehouse::error: refused gateway URLs and TLS failures, each
// TLS value naming the verifier's reason (gateway-cases.md G25).
#pragma once

#include <system_error>
#include <type_traits>

namespace gatehouse::transport {

enum class transport_error {
  // Configuration, refused before any connection.
  invalid_url = 1,     // not ws:// or wss://, or no host
  insecure_url,        // ws:// to a host that is not loopback
  ca_file_unreadable,  // the configured CA file could not be loaded

  // TLS, retried with backoff and never downgraded.
  certificate_untrusted,  // the chain does not lead to a trusted CA
  certificate_expired,    // a certificate in the chain is expired or not yet valid
  hostname_mismatch,      // the certificate does not name the host connected to
  certificate_invalid,    // any other verification failure
  tls_handshake_failed,   // the handshake failed before or apart from verification

  // WebSocket (RFC 6455), retried with backoff.
  upgrade_refused,  // the server did not answer the upgrade with a valid 101
  bad_frame,        // a frame the RFC forbids a server to send
};

const std::error_category& transport_category();

std::error_code make_error_code(transport_error e);

// True for the TLS values: the connection was refused for its security, not for the network.
bool is_tls_error(std::error_code ec);

}  // namespace gatehouse::transport

template <>
struct std::is_error_code_enum<gatehouse::transport::transport_error> : std::true_type {};
