// The TLS context for wss:// and https://: a given certificate and key, or a self-signed
// certificate for 127.0.0.1 and localhost generated in memory.
#pragma once

#include <string>

#include <boost/asio/ssl/context.hpp>

namespace gatehouse::testgw {

struct self_signed {
  std::string cert_pem;
  std::string key_pem;
};

// A fresh EC P-256 key and a certificate valid for a day, with subjectAltName
// IP:127.0.0.1 and DNS:localhost. Throws std::runtime_error when OpenSSL fails.
self_signed generate_self_signed();

// A TLS 1.2+ server context from PEM text.
boost::asio::ssl::context make_server_context(const std::string& cert_pem,
                                              const std::string& key_pem);

}  // namespace gatehouse::testgw
