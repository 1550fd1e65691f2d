// Tests of faults read from and written to JSON.
#include "testgw/fault.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;

std::optional<fault> parse(std::string_view text, std::string& what) {
  return parse_fault(json::parse(text), what);
}

TEST(fault_test, close_fault_reads_code_target_and_time) {
  std::string what;
  auto f = parse(R"({"kind":"close","code":4000,"session_id":"abc","at_ms":250})", what);
  ASSERT_TRUE(f) << what;
  EXPECT_EQ(f->kind, fault_kind::close);
  EXPECT_EQ(f->code, 4000);
  EXPECT_EQ(f->session_id, "abc");
  EXPECT_EQ(f->at, milliseconds(250));
}

TEST(fault_test, unknown_field_is_refused_by_name) {
  std::string what;
  EXPECT_FALSE(parse(R"({"kind":"drop","sesion_id":"abc"})", what));
  EXPECT_NE(what.find("sesion_id"), std::string::npos);
}

TEST(fault_test, unknown_kind_is_refused) {
  std::string what;
  EXPECT_FALSE(parse(R"({"kind":"explode"})", what));
  EXPECT_NE(what.find("explode"), std::string::npos);
}

TEST(fault_test, field_of_the_wrong_type_is_refused) {
  std::string what;
  EXPECT_FALSE(parse(R"({"kind":"close","code":"4000"})", what));
}

TEST(fault_test, close_code_is_checked_before_it_is_narrowed) {
  std::string what;
  EXPECT_FALSE(parse(R"({"kind":"close","code":70000})", what));
  EXPECT_NE(what.find("70000"), std::string::npos) << what;
  EXPECT_FALSE(parse(R"({"kind":"close","code":99999999999})", what));
  EXPECT_FALSE(parse(R"({"kind":"close","code":-1})", what));
}

TEST(fault_test, integer_that_does_not_fit_its_field_is_refused) {
  std::string what;
  EXPECT_FALSE(parse(R"({"kind":"drop","shard":4294967296})", what));
  EXPECT_FALSE(parse(R"({"kind":"split_messages","parts":4294967298})", what));
  EXPECT_FALSE(parse(R"({"kind":"rest_status","status":4294967725})", what));
}

TEST(fault_test, negative_retry_after_is_refused) {
  std::string what;
  EXPECT_FALSE(parse(R"({"kind":"rest_status","retry_after":-1})", what));
}

TEST(fault_test, rest_status_needs_an_error_status) {
  std::string what;
  EXPECT_FALSE(parse(R"({"kind":"rest_status","status":200})", what));
  EXPECT_TRUE(parse(R"({"kind":"rest_status","status":502,"route":"GET /gateway/bot"})", what));
}

TEST(fault_test, every_kind_name_reads_back) {
  for (int k = 0; k <= static_cast<int>(fault_kind::reset_resume); ++k) {
    auto kind = static_cast<fault_kind>(k);
    EXPECT_EQ(fault_kind_from_name(fault_kind_name(kind)), kind);
  }
}

TEST(fault_test, lasting_kinds_are_told_apart_from_instant_ones) {
  EXPECT_FALSE(is_lasting(fault_kind::reconnect));
  EXPECT_FALSE(is_lasting(fault_kind::rest_status));
  EXPECT_TRUE(is_lasting(fault_kind::go_silent));
  EXPECT_TRUE(is_lasting(fault_kind::reset_resume));
}

TEST(fault_test, json_round_trip_keeps_the_parameters) {
  fault f;
  f.kind = fault_kind::delay_acks;
  f.delay = milliseconds(300);
  f.shard = 2;
  f.lasting = milliseconds(1000);
  std::string what;
  auto back = parse_fault(to_json(f), what);
  ASSERT_TRUE(back) << what;
  EXPECT_EQ(back->delay, milliseconds(300));
  EXPECT_EQ(back->shard, 2);
  EXPECT_EQ(back->lasting, milliseconds(1000));
}

}  // namespace
}  // namespace gatehouse::testgw
