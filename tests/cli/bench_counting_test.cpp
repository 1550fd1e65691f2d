// The benchmark's counting rule: which field each event's `d` gives up, and reading it.
#include "cli/bench_counting.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::cli {
namespace {

// Reads the field of `f` from the JSON object `d`; -1 when the read fails.
long long read_field(const std::string& d, counted_field f) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string text(d);
  auto document = parser.iterate(text);
  simdjson::ondemand::object object;
  if (document.get_object().get(object)) {
    return -1;
  }
  std::size_t length = 0;
  if (read_counted_field(object, f).get(length)) {
    return -1;
  }

  return static_cast<long long>(length);
}

TEST(counting_rule_test, message_create_counts_its_content) {
  EXPECT_EQ(counted_field_for("MESSAGE_CREATE"), counted_field::content);
}

TEST(counting_rule_test, typing_start_counts_its_user_id) {
  EXPECT_EQ(counted_field_for("TYPING_START"), counted_field::user_id);
}

TEST(counting_rule_test, presence_update_counts_its_status) {
  EXPECT_EQ(counted_field_for("PRESENCE_UPDATE"), counted_field::status);
}

TEST(counting_rule_test, guild_create_counts_its_id) {
  EXPECT_EQ(counted_field_for("GUILD_CREATE"), counted_field::id);
}

TEST(counting_rule_test, other_events_read_no_field) {
  EXPECT_EQ(counted_field_for("MESSAGE_UPDATE"), counted_field::none);
  EXPECT_EQ(counted_field_for("message_create"), counted_field::none);
  EXPECT_TRUE(field_key(counted_field::none).empty());
}

TEST(counting_rule_test, keys_are_the_fields_of_d) {
  EXPECT_EQ(field_key(counted_field::content), "content");
  EXPECT_EQ(field_key(counted_field::user_id), "user_id");
  EXPECT_EQ(field_key(counted_field::status), "status");
  EXPECT_EQ(field_key(counted_field::id), "id");
}

TEST(counting_rule_test, reads_the_field_wherever_it_is_in_d) {
  const std::string d = R"({"id":"1","author":{"id":"2"},"content":"hello","tts":false})";

  EXPECT_EQ(read_field(d, counted_field::content), 5);
  EXPECT_EQ(read_field(d, counted_field::id), 1);
}

TEST(counting_rule_test, an_absent_field_is_an_error) {
  EXPECT_EQ(read_field(R"({"id":"1"})", counted_field::status), -1);
}

TEST(counting_rule_test, a_field_that_is_not_a_string_is_an_error) {
  EXPECT_EQ(read_field(R"({"user_id":42})", counted_field::user_id), -1);
}

TEST(counting_rule_test, no_field_reads_nothing) {
  EXPECT_EQ(read_field(R"({"anything":[1,2,3]})", counted_field::none), 0);
}

}  // namespace
}  // namespace gatehouse::cli
