// TLS context and per-connection verification settings.
#include "transport/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/ip/address.hpp>

#include "transport/transport_error.hpp"

namespace gatehouse::transport {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl_context> make_tls_context(const std::string& ca_file, std::error_code& ec) {
  ec.clear();
  auto context = std::make_shared<ssl_context>(ssl::context::tls_client);

  // Discord requires TLS 1.2 (spec §0); older versions are refused outright.
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_verify_mode(ssl::verify_peer);

  boost::system::error_code bec;
  if (ca_file.empty()) {
    context->set_default_verify_paths(bec);
  } else {
    context->load_verify_file(ca_file, bec);
  }
  if (bec) {
    ec = transport_error::ca_file_unreadable;
    return nullptr;
  }

  return context;
}

void prepare_tls_session(SSL* ssl, const std::string& host, std::error_code& ec) {
  ec.clear();
  boost::system::error_code bec;
  boost::asio::ip::make_address(host, bec);
  const bool is_address = !bec;

  // SNI carries names only; an address is never sent as a server name (RFC 6066 §3).
  if (!is_address && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    ec = transport_error::tls_handshake_failed;
    return;
  }

  // OpenSSL's own host check, like ssl::host_name_verification, but it records why it failed.
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int ok = is_address ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                            : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok != 1) {
    ec = transport_error::tls_handshake_failed;
  }
}

std::error_code classify_tls_failure(SSL* ssl) {
  switch (SSL_get_verify_result(ssl)) {
    case X509_V_OK:
      return transport_error::tls_handshake_failed;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return transport_error::certificate_expired;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return transport_error::hostname_mismatch;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return transport_error::certificate_untrusted;
    default:
      return transport_error::certificate_invalid;
  }
}

std::string tls_failure_reason(SSL* ssl) {
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) {
    return "handshake failed";
  }

  return X509_verify_cert_error_string(result);
}

}  // namespace gatehouse::transport
