// Loopback tests of what the /control endpoint refuses: every body a client may post is
// answered, bad ones with 400 and a reason, and none takes the gateway down.
#include "testgw/server.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string_view>

#include "gateway_fixture.hpp"

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;
using namespace testing;

// Posts each body and expects a 400 with a reason; then the gateway must still answer.
void expect_refused(running_gateway& gw, std::string_view target,
                    std::initializer_list<std::string_view> bodies) {
  for (auto body : bodies) {
    const auto r = http_request(gw.ports.main, "POST", target, body);
    EXPECT_EQ(r.status, 400u) << body;
    EXPECT_FALSE(json::parse(r.body).at("message").as_string().empty()) << body;
  }
  EXPECT_EQ(http_request(gw.ports.main, "GET", "/control/traffic").status, 200u);
}

TEST(control_test, traffic_count_that_is_not_an_unsigned_integer_is_refused) {
  running_gateway gw;
  expect_refused(gw, "/control/traffic",
                 {R"({"count":-1})", R"({"count":1.5,"events_per_second":1})",
                  R"({"count":1e30,"events_per_second":0})", R"({"count":"x"})"});
  EXPECT_FALSE(gw.gateway.traffic().running);
}

TEST(control_test, traffic_rate_that_is_negative_or_not_a_number_is_refused) {
  running_gateway gw;
  expect_refused(
      gw, "/control/traffic",
      {R"({"count":5,"events_per_second":-5})", R"({"count":5,"events_per_second":"fast"})"});
}

TEST(control_test, traffic_seed_that_is_not_an_unsigned_integer_is_refused) {
  running_gateway gw;
  expect_refused(gw, "/control/traffic", {R"({"seed":-1})", R"({"seed":0.5})"});
}

TEST(control_test, traffic_refuses_fields_a_client_may_not_set) {
  running_gateway gw;
  expect_refused(gw, "/control/traffic",
                 {R"({"pool_size":1e12})", R"({"count":1,"large_guild_members":100000000})",
                  R"({"cuont":1})"});
}

TEST(control_test, traffic_with_valid_fields_starts) {
  running_gateway gw;
  const auto r = http_request(gw.ports.main, "POST", "/control/traffic",
                              R"({"count":3,"events_per_second":0,"seed":7})");
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body).at("running"), true);
}

TEST(control_test, close_fault_with_a_code_a_server_cannot_send_is_refused) {
  running_gateway gw;
  expect_refused(gw, "/control/faults",
                 {R"({"kind":"close","code":70000})", R"({"kind":"close","code":99999999999})",
                  R"({"kind":"close","code":-1})", R"({"kind":"close","code":0})",
                  R"({"kind":"close","code":999})", R"({"kind":"close","code":1004})",
                  R"({"kind":"close","code":1005})", R"({"kind":"close","code":1006})",
                  R"({"kind":"close","code":1015})", R"({"kind":"close","code":5000})"});
  EXPECT_TRUE(gw.gateway.report().at("faults").as_array().empty());
}

TEST(control_test, close_fault_at_either_end_of_the_range_is_applied) {
  running_gateway gw;
  for (auto body : {R"({"kind":"close","code":1000})", R"({"kind":"close","code":4999})"}) {
    EXPECT_EQ(http_request(gw.ports.main, "POST", "/control/faults", body).status, 200u) << body;
  }
}

TEST(control_test, dispatch_without_a_name_and_an_object_d_is_refused) {
  running_gateway gw;
  expect_refused(gw, "/control/dispatch",
                 {R"({"t":"MESSAGE_CREATE"})", R"({"t":"","d":{}})", R"({"t":"X","d":"notobj"})",
                  R"({"t":"message_create","d":{}})", R"({"t":"MESSAGE CREATE","d":{}})",
                  R"({"t":"_X","d":{}})", R"({"t":5,"d":{}})", R"(["t","d"])"});
}

TEST(control_test, dispatch_with_a_name_and_an_object_d_is_routed) {
  running_gateway gw;
  auto c = gw.client();
  ASSERT_FALSE(c->identify().empty());
  const auto r = http_request(gw.ports.main, "POST", "/control/dispatch",
                              R"({"t":"GATEHOUSE_TEST_2","d":{"n":1}})");
  EXPECT_EQ(r.status, 200u) << r.body;
  const auto dispatch = c->read_until(0, "GATEHOUSE_TEST_2");
  ASSERT_TRUE(dispatch);
  EXPECT_EQ(dispatch->at("d").at("n"), 1);
}

}  // namespace
}  // namespace gatehouse::testgw
