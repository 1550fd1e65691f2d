#include "core/intents.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

TEST(intents_test, names_parse_case_insensitively) {
  std::error_code ec;
  EXPECT_EQ(parse_intents("guilds,Guild_Messages,MESSAGE_CONTENT", ec), 33281u);
  EXPECT_FALSE(ec);
}

TEST(intents_test, pipes_and_spaces_separate_names) {
  std::error_code ec;
  EXPECT_EQ(parse_intents("GUILDS | GUILD_MESSAGES", ec), 513u);
  EXPECT_FALSE(ec);
}

TEST(intents_test, a_number_is_the_bitfield) {
  std::error_code ec;
  EXPECT_EQ(parse_intents("33281", ec), 33281u);
  EXPECT_FALSE(ec);
}

TEST(intents_test, former_names_are_accepted) {
  std::error_code ec;
  EXPECT_EQ(parse_intents("GUILD_BANS,GUILD_EMOJIS_AND_STICKERS", ec), 12u);
  EXPECT_FALSE(ec);
}

TEST(intents_test, unknown_name_is_an_error_naming_it) {
  std::error_code ec;
  std::string unknown;
  EXPECT_EQ(parse_intents("GUILDS,MESAGE_CONTENT", ec, &unknown), 0u);
  EXPECT_EQ(ec, error::unknown_intent);
  EXPECT_EQ(unknown, "MESAGE_CONTENT");
}

TEST(intents_test, empty_text_is_an_error) {
  std::error_code ec;
  parse_intents(" , ", ec);
  EXPECT_EQ(ec, error::unknown_intent);
}

TEST(intents_test, empty_name_between_separators_is_an_error) {
  for (const auto text : {"GUILDS,,", ",GUILDS", "GUILDS||GUILD_MESSAGES", "GUILDS, ,GUILDS"}) {
    std::error_code ec;
    std::string unknown = "unchanged";
    EXPECT_EQ(parse_intents(text, ec, &unknown), 0u) << text;
    EXPECT_EQ(ec, error::unknown_intent) << text;
    EXPECT_EQ(unknown, "unchanged") << text;
  }
}

TEST(intents_test, number_a_uint32_cannot_hold_is_out_of_range) {
  for (const auto text : {"4294967296", "99999999999999999999", "-1", "-0"}) {
    std::error_code ec;
    EXPECT_EQ(parse_intents(text, ec), 0u) << text;
    EXPECT_EQ(ec, std::errc::result_out_of_range) << text;
  }
}

TEST(intents_test, undefined_bits_in_a_number_are_an_error) {
  std::error_code ec;
  parse_intents(std::to_string(1u << 30), ec);
  EXPECT_EQ(ec, error::undefined_intent_bits);
}

TEST(intents_test, documented_mask_matches_the_table) {
  std::uint32_t mask = 0;
  std::uint32_t privileged = 0;
  for (const auto& i : all_intents()) {
    mask |= i.bit;
    if (i.privileged) {
      privileged |= i.bit;
    }
  }
  EXPECT_EQ(mask, defined_intents);
  EXPECT_EQ(privileged, privileged_intents);
}

TEST(intents_test, names_render_in_bit_order_with_unnamed_bits) {
  EXPECT_EQ(intent_names(message_content_intent | guilds_intent), "GUILDS|MESSAGE_CONTENT");
  EXPECT_EQ(intent_names(1u << 17), "1<<17");
  EXPECT_EQ(intent_names(0), "none");
}

TEST(intents_test, valid_names_mark_privileged_ones) {
  const std::string names = valid_intent_names();
  EXPECT_NE(names.find("MESSAGE_CONTENT (privileged)"), std::string::npos);
  EXPECT_NE(names.find("GUILDS,"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::core
