// Tests for the transport error category.
#include "transport/transport_error.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace gatehouse::transport {
namespace {

TEST(transport_error_test, tls_failures_are_reconnectable) {
  const std::error_code ec = transport_error::certificate_untrusted;

  EXPECT_EQ(ec, error_condition_kind::reconnectable);
  EXPECT_TRUE(is_tls_error(ec));
}

TEST(transport_error_test, refused_urls_are_configuration_errors) {
  const std::error_code ec = transport_error::insecure_url;

  EXPECT_EQ(ec, error_condition_kind::configuration);
  EXPECT_FALSE(is_tls_error(ec));
}

TEST(transport_error_test, websocket_faults_are_reconnectable_and_not_tls) {
  for (const std::error_code ec : {std::error_code(transport_error::upgrade_refused),
                                   std::error_code(transport_error::bad_frame)}) {
    EXPECT_EQ(ec, error_condition_kind::reconnectable) << ec.message();
    EXPECT_FALSE(is_tls_error(ec)) << ec.message();
  }
}

TEST(transport_error_test, messages_are_short_lower_case_and_name_the_fault) {
  const std::error_code ec = transport_error::hostname_mismatch;

  EXPECT_EQ(ec.message(), "tls: certificate does not match the host name");
  EXPECT_STREQ(ec.category().name(), "gatehouse.transport");
}

}  // namespace
}  // namespace gatehouse::transport
