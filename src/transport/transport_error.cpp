// The transport error category.
#include "transport/transport_error.hpp"

#include <string>

#include "core/error.hpp"

namespace gatehouse::transport {

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gatehouse.transport"; }

  std::string message(int value) const override {
    switch (static_cast<transport_error>(value)) {
      case transport_error::invalid_url:
        return "gateway url is not ws:// or wss:// with a host";
      case transport_error::insecure_url:
        return "ws:// is only accepted for loopback hosts; use wss://";
      case transport_error::ca_file_unreadable:
        return "ca file could not be loaded";
      case transport_error::certificate_untrusted:
        return "tls: certificate chain not trusted";
      case transport_error::certificate_expired:
        return "tls: certificate expired or not yet valid";
      case transport_error::hostname_mismatch:
        return "tls: certificate does not match the host name";
      case transport_error::certificate_invalid:
        return "tls: certificate rejected";
      case transport_error::tls_handshake_failed:
        return "tls: handshake failed";
      case transport_error::upgrade_refused:
        return "websocket: upgrade refused";
      case transport_error::bad_frame:
        return "websocket: invalid frame from the server";
    }
    return "unknown transport error";
  }

  // Configuration faults are fixed by a person; TLS faults are retried with backoff (G17, G25).
  std::error_condition default_error_condition(int value) const noexcept override {
    switch (static_cast<transport_error>(value)) {
      case transport_error::invalid_url:
      case transport_error::insecure_url:
      case transport_error::ca_file_unreadable:
        return error_condition_kind::configuration;
      default:
        return error_condition_kind::reconnectable;
    }
  }
};

}  // namespace

const std::error_category& transport_category() {
  static const category instance;
  return instance;
}

std::error_code make_error_code(transport_error e) {
  return {static_cast<int>(e), transport_category()};
}

bool is_tls_error(std::error_code ec) {
  return ec.category() == transport_category() &&
         ec.value() >= static_cast<int>(transport_error::certificate_untrusted) &&
         ec.value() <= static_cast<int>(transport_error::tls_handshake_failed);
}

}  // namespace gatehouse::transport
