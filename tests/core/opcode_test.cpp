#include "core/opcode.hpp"

#include <gtest/gtest.h>

namespace gatehouse::core {
namespace {

TEST(opcode_test, send_opcodes_are_exactly_the_documented_ones) {
  for (int op = -1; op < 64; ++op) {
    const bool expected =
        op == 1 || op == 2 || op == 3 || op == 4 || op == 6 || op == 8 || op == 31 || op == 43;
    EXPECT_EQ(is_sendable(op), expected) << "op " << op;
  }
}

TEST(opcode_test, receive_only_opcodes_are_not_sendable) {
  for (int op : {0, 7, 9, 10, 11}) {
    EXPECT_TRUE(is_receivable(op)) << "op " << op;
    EXPECT_FALSE(is_sendable(op)) << "op " << op;
  }
}

TEST(opcode_test, retired_opcode_five_is_neither_sent_nor_received) {
  EXPECT_FALSE(is_sendable(5));
  EXPECT_FALSE(is_receivable(5));
}

TEST(opcode_test, only_heartbeat_identify_resume_precede_authentication) {
  for (int op = 0; op < 64; ++op) {
    EXPECT_EQ(is_allowed_before_auth(op), op == 1 || op == 2 || op == 6) << "op " << op;
  }
}

TEST(opcode_test, commands_are_sendable_and_not_session_control) {
  for (int op = 0; op < 64; ++op) {
    if (is_command(op)) {
      EXPECT_TRUE(is_sendable(op)) << "op " << op;
      EXPECT_FALSE(is_allowed_before_auth(op)) << "op " << op;
    }
  }
  EXPECT_TRUE(is_command(3));
  EXPECT_FALSE(is_command(0));
}

TEST(opcode_test, names_are_lower_case_and_unknown_is_named) {
  EXPECT_EQ(opcode_name(11), "heartbeat_ack");
  EXPECT_EQ(opcode_name(12), "unknown");
}

}  // namespace
}  // namespace gatehouse::core
