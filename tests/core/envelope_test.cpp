// Tests for the envelope scanner (gateway-spec.md §2.1).
#include "core/envelope.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

envelope scan(envelope_scanner& s, std::string_view text) {
  std::error_code ec;
  auto env = s.scan(text, 0, ec);
  EXPECT_FALSE(ec) << ec.message() << " for " << text;
  return env;
}

std::error_code scan_error(std::string_view text) {
  envelope_scanner s;
  std::error_code ec;
  s.scan(text, 0, ec);
  return ec;
}

TEST(envelope_test, dispatch_fields_are_read) {
  envelope_scanner s;
  auto env = scan(s, R"({"op":0,"s":42,"t":"MESSAGE_CREATE","d":{"id":"1"}})");
  EXPECT_EQ(env.op, 0);
  EXPECT_TRUE(env.has_sequence);
  EXPECT_EQ(env.sequence, 42u);
  EXPECT_EQ(env.type, "MESSAGE_CREATE");
  EXPECT_EQ(env.data, R"({"id":"1"})");
}

TEST(envelope_test, keys_in_any_order_are_read) {
  envelope_scanner s;
  auto env = scan(s, R"({"d":[1,2],"t":"X","s":7,"op":0})");
  EXPECT_EQ(env.op, 0);
  EXPECT_EQ(env.sequence, 7u);
  EXPECT_EQ(env.type, "X");
  EXPECT_EQ(env.data, "[1,2]");
}

TEST(envelope_test, null_type_and_sequence_read_as_absent) {
  envelope_scanner s;
  auto env = scan(s, R"({"t":null,"s":null,"op":11,"d":null})");
  EXPECT_EQ(env.op, 11);
  EXPECT_FALSE(env.has_sequence);
  EXPECT_TRUE(env.type.empty());
  EXPECT_EQ(env.data, "null");
}

TEST(envelope_test, missing_data_reads_as_null) {
  envelope_scanner s;
  EXPECT_EQ(scan(s, R"({"op":11})").data, "null");
}

TEST(envelope_test, unknown_fields_are_skipped) {
  envelope_scanner s;
  auto env =
      scan(s, R"({"_trace":["a",{"b":1}],"op":10,"x":{"y":[]},"d":{"heartbeat_interval":41250}})");
  EXPECT_EQ(env.op, 10);
  EXPECT_EQ(env.data, R"({"heartbeat_interval":41250})");
}

TEST(envelope_test, scalar_data_is_read_without_trailing_space) {
  envelope_scanner s;
  EXPECT_EQ(scan(s, R"({"op":9,"d":false , "s":null})").data, "false");
  EXPECT_EQ(scan(s, R"({"op":1,"d":251})").data, "251");
  EXPECT_EQ(scan(s, R"({"op":0,"d":"a\"b","t":"T","s":1})").data, R"("a\"b")");
}

TEST(envelope_test, views_point_into_a_padded_input_without_copy) {
  std::string buffer = R"({"op":0,"s":1,"t":"T","d":{"k":1}})";
  const std::size_t size = buffer.size();
  buffer.resize(size + simdjson::SIMDJSON_PADDING);
  envelope_scanner s;
  std::error_code ec;
  auto env = s.scan(std::string_view(buffer.data(), size), simdjson::SIMDJSON_PADDING, ec);
  ASSERT_FALSE(ec);
  EXPECT_GE(env.data.data(), buffer.data());
  EXPECT_LT(env.data.data(), buffer.data() + size);
}

TEST(envelope_test, scanner_is_reusable_across_messages) {
  envelope_scanner s;
  scan(s, R"({"op":0,"s":1,"t":"A","d":{"big":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}})");
  auto env = scan(s, R"({"op":0,"s":2,"t":"B","d":{}})");
  EXPECT_EQ(env.type, "B");
  EXPECT_EQ(env.sequence, 2u);
  EXPECT_EQ(env.data, "{}");
}

TEST(envelope_test, non_json_is_malformed) {
  EXPECT_EQ(scan_error("hello"), error::malformed_message);
  EXPECT_EQ(scan_error(""), error::malformed_message);
}

TEST(envelope_test, truncated_object_is_malformed) {
  EXPECT_EQ(scan_error(R"({"op":0,"s":1,"d":{"a":1})"), error::malformed_message);
}

TEST(envelope_test, trailing_content_is_malformed) {
  EXPECT_EQ(scan_error(R"({"op":11} {"op":11})"), error::malformed_message);
}

TEST(envelope_test, missing_op_is_malformed) {
  EXPECT_EQ(scan_error(R"({"d":null})"), error::malformed_message);
}

TEST(envelope_test, non_integer_op_is_malformed) {
  EXPECT_EQ(scan_error(R"({"op":"0"})"), error::malformed_message);
  EXPECT_EQ(scan_error(R"({"op":-1})"), error::malformed_message);
}

TEST(envelope_test, array_at_top_is_malformed) {
  EXPECT_EQ(scan_error(R"([{"op":0}])"), error::malformed_message);
}

TEST(envelope_test, negative_sequence_is_malformed) {
  EXPECT_EQ(scan_error(R"({"op":0,"s":-3,"t":"T","d":{}})"), error::malformed_message);
}

TEST(envelope_test, discords_layout_is_read_from_its_prefix) {
  envelope_scanner s;
  auto env = scan(s, R"({"t":"MESSAGE_CREATE","s":1234,"op":0,"d":{"id":"1","x":[{}]}})");
  EXPECT_EQ(env.op, 0);
  EXPECT_TRUE(env.has_sequence);
  EXPECT_EQ(env.sequence, 1234u);
  EXPECT_EQ(env.type, "MESSAGE_CREATE");
  EXPECT_EQ(env.data, R"({"id":"1","x":[{}]})");

  env = scan(s, "{\"t\":\"X\",\"s\":7,\"op\":0,\"d\":null}\n");
  EXPECT_EQ(env.op, 0);
  EXPECT_EQ(env.sequence, 7u);
  EXPECT_EQ(env.type, "X");
  EXPECT_EQ(env.data, "null");

  EXPECT_EQ(scan(s, R"({"t":"X","s":1,"op":0,"d":false})").data, "false");
  EXPECT_EQ(scan(s, R"({"t":"X","s":1,"op":0,"d":-17})").data, "-17");
  EXPECT_EQ(scan(s, R"({"t":"X","s":0,"op":0,"d":"a}"})").data, R"("a}")");
  EXPECT_EQ(scan(s, R"({"t":"X","s":5,"op":0,"d":[1,[2]]})").data, "[1,[2]]");
}

TEST(envelope_test, near_misses_of_discords_layout_get_the_full_scan) {
  envelope_scanner s;
  // An escape in the name is unescaped only by the full scan.
  EXPECT_EQ(scan(s, R"({"t":"A\u0042","s":1,"op":0,"d":{}})").type, "AB");
  // A key after `d` is not part of it.
  auto env = scan(s, R"({"t":"A","s":1,"op":0,"d":{"a":1},"x":2})");
  EXPECT_EQ(env.data, R"({"a":1})");
  // Opcodes other than dispatch are always scanned whole, even in Discord's layout.
  env = scan(s, R"({"t":null,"s":null,"op":10,"d":{"heartbeat_interval":1},"x":{}})");
  EXPECT_EQ(env.data, R"({"heartbeat_interval":1})");
  // What JSON forbids is still refused.
  EXPECT_EQ(scan_error(R"({"t":"A","s":01,"op":0,"d":{}})"), error::malformed_message);
  EXPECT_EQ(scan_error(R"({"t":"A","s":1,"op":0,"d":{}} x)"), error::malformed_message);
  EXPECT_EQ(scan_error(R"({"t":"A","s":1,"op":0,"d":})"), error::malformed_message);
  EXPECT_EQ(scan_error(R"({"t":"A","s":1,"op":99999999,"d":{}})"), error::malformed_message);
}

TEST(envelope_test, in_discords_layout_a_bad_d_is_left_to_its_reader) {
  envelope_scanner s;
  // The scan does not read `d`; dispatch_event::parse and the core's readers report it.
  EXPECT_EQ(scan(s, R"({"t":"A","s":1,"op":0,"d":{"a":}})").data, R"({"a":})");
}

}  // namespace
}  // namespace gatehouse::core
