// Tests for the client's WebSocket framing: server frames cut from a byte buffer, client frames
// written masked.
#include "transport/websocket_frame.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "transport/transport_error.hpp"

namespace gatehouse::transport {
namespace {

constexpr std::size_t limit = 1024 * 1024;

// One server frame: unmasked unless `mask` is set, with the shortest length encoding.
std::string server_frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                         bool mask = false) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | opcode));
  const std::uint8_t mask_flag = mask ? 0x80 : 0x00;
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(mask_flag | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_flag | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_flag | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
    }
  }
  if (mask) {
    out.append(4, '\0');  // a zero key leaves the payload as it is
  }
  out.append(payload);
  return out;
}

struct read_result {
  std::optional<frame_event> event;
  std::size_t used = 0;
  std::error_code ec;
};

read_result read_one(frame_reader& reader, std::string_view input, std::size_t spare = 0) {
  read_result r;
  r.event = reader.next(input, spare, r.used, r.ec);
  return r;
}

std::error_code error_of(std::string_view input, std::size_t max = limit) {
  frame_reader reader(max);
  return read_one(reader, input).ec;
}

TEST(websocket_frame_test, a_whole_text_frame_is_a_message_where_it_lies) {
  frame_reader reader(limit);
  const std::string input = server_frame(0x1, R"({"op":11})") + "xyz";

  const auto r = read_one(reader, input, 64);

  ASSERT_FALSE(r.ec);
  ASSERT_TRUE(r.event);
  EXPECT_EQ(r.event->what, frame_event::kind::message);
  EXPECT_FALSE(r.event->binary);
  EXPECT_EQ(r.event->payload, R"({"op":11})");
  EXPECT_EQ(r.event->payload.data(), input.data() + 2);
  EXPECT_EQ(r.event->padding, 3u + 64u);  // the bytes after it in the input, then the spare
  EXPECT_EQ(r.used, input.size() - 3);
}

TEST(websocket_frame_test, binary_frames_are_marked_binary) {
  frame_reader reader(limit);

  const auto r = read_one(reader, server_frame(0x2, "\x78\x9c"));

  ASSERT_TRUE(r.event);
  EXPECT_TRUE(r.event->binary);
}

TEST(websocket_frame_test, a_frame_cut_short_at_any_byte_asks_for_more_input) {
  const std::string whole = server_frame(0x1, std::string(300, 'a'));
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    frame_reader reader(limit);
    const auto r = read_one(reader, std::string_view(whole).substr(0, cut));

    EXPECT_FALSE(r.event) << "cut=" << cut;
    EXPECT_FALSE(r.ec) << "cut=" << cut;
    EXPECT_EQ(r.used, 0u) << "cut=" << cut;
  }
}

TEST(websocket_frame_test, sixteen_and_sixty_four_bit_lengths_are_read) {
  for (const std::size_t size : {125u, 126u, 65535u, 65536u, 200000u}) {
    frame_reader reader(limit);
    const std::string payload(size, 'p');
    const std::string frame = server_frame(0x1, payload);
    const auto r = read_one(reader, frame);

    ASSERT_TRUE(r.event) << size;
    EXPECT_EQ(r.event->payload.size(), size);
  }
}

TEST(websocket_frame_test, many_frames_in_one_input_come_out_in_order) {
  frame_reader reader(limit);
  std::string input;
  for (int i = 0; i < 50; ++i) {
    input += server_frame(0x1, "message " + std::to_string(i));
  }

  std::vector<std::string> seen;
  std::size_t offset = 0;
  for (;;) {
    const auto r = read_one(reader, std::string_view(input).substr(offset));
    ASSERT_FALSE(r.ec);
    offset += r.used;
    if (!r.event) {
      break;
    }
    seen.emplace_back(r.event->payload);
  }

  ASSERT_EQ(seen.size(), 50u);
  EXPECT_EQ(seen.front(), "message 0");
  EXPECT_EQ(seen.back(), "message 49");
  EXPECT_EQ(offset, input.size());
}

TEST(websocket_frame_test, fragments_are_joined_and_a_ping_between_them_comes_first) {
  frame_reader reader(limit);
  const std::string input = server_frame(0x1, "hel", false) + server_frame(0x9, "are you there") +
                            server_frame(0x0, "lo ", false) + server_frame(0x0, "world");

  auto r = read_one(reader, input);
  ASSERT_FALSE(r.ec);
  ASSERT_TRUE(r.event);
  EXPECT_EQ(r.event->what, frame_event::kind::ping);
  EXPECT_EQ(r.event->payload, "are you there");

  const std::size_t offset = r.used;
  r = read_one(reader, std::string_view(input).substr(offset));
  ASSERT_FALSE(r.ec);
  ASSERT_TRUE(r.event);
  EXPECT_EQ(r.event->what, frame_event::kind::message);
  EXPECT_EQ(r.event->payload, "hello world");
  EXPECT_GE(r.event->padding, message_buffer::padding);
  EXPECT_EQ(offset + r.used, input.size());
}

TEST(websocket_frame_test, fragments_split_across_reads_are_kept_between_calls) {
  frame_reader reader(limit);
  const std::string first = server_frame(0x2, "ab", false);
  const std::string last = server_frame(0x0, "cd");

  auto r = read_one(reader, first);
  EXPECT_FALSE(r.event);
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.used, first.size());  // the fragment is copied aside, its bytes can go

  r = read_one(reader, last);
  ASSERT_TRUE(r.event);
  EXPECT_TRUE(r.event->binary);
  EXPECT_EQ(r.event->payload, "abcd");
}

TEST(websocket_frame_test, a_close_frame_gives_its_code_and_reason) {
  frame_reader reader(limit);
  const std::string body = std::string("\x0f\xa4", 2) + "Authentication failed.";

  const std::string frame = server_frame(0x8, body);  // the reason is a view into it

  const auto r = read_one(reader, frame);

  ASSERT_TRUE(r.event);
  EXPECT_EQ(r.event->what, frame_event::kind::close);
  EXPECT_EQ(r.event->close_code, 4004);
  EXPECT_EQ(r.event->close_reason, "Authentication failed.");
}

TEST(websocket_frame_test, an_empty_close_frame_has_code_zero) {
  frame_reader reader(limit);

  const auto r = read_one(reader, server_frame(0x8, ""));

  ASSERT_TRUE(r.event);
  EXPECT_EQ(r.event->what, frame_event::kind::close);
  EXPECT_EQ(r.event->close_code, 0);
}

TEST(websocket_frame_test, pongs_are_reported) {
  frame_reader reader(limit);

  const auto r = read_one(reader, server_frame(0xA, "x"));

  ASSERT_TRUE(r.event);
  EXPECT_EQ(r.event->what, frame_event::kind::pong);
}

TEST(websocket_frame_test, frames_a_server_must_not_send_are_bad_frames) {
  const std::error_code bad = transport_error::bad_frame;
  EXPECT_EQ(error_of(server_frame(0x1, "masked", true, true)), bad);
  EXPECT_EQ(error_of("\xc1\x01x"), bad);                    // RSV1 without an agreed extension
  EXPECT_EQ(error_of(server_frame(0x3, "x")), bad);         // reserved opcode
  EXPECT_EQ(error_of(server_frame(0x9, "x", false)), bad);  // fragmented ping
  EXPECT_EQ(error_of(server_frame(0x9, std::string(126, 'x'))), bad);  // long control frame
  EXPECT_EQ(error_of(server_frame(0x0, "x")), bad);                    // continuation of nothing
  EXPECT_EQ(error_of(server_frame(0x8, "\x03")), bad);                 // one-byte close body
  EXPECT_EQ(error_of(server_frame(0x1, "a", false) + server_frame(0x1, "b")), bad);
  // A 64-bit length with its most significant bit set (§5.2).
  EXPECT_EQ(error_of(std::string("\x81\x7f\x80\x00\x00\x00\x00\x00\x00\x00", 10)), bad);
}

TEST(websocket_frame_test, a_message_over_the_limit_is_refused_from_its_header) {
  // Only the header is there: nothing of the payload has to arrive for the refusal.
  const std::string header = server_frame(0x1, std::string(2000, 'x')).substr(0, 4);

  EXPECT_EQ(error_of(header, 1000), gatehouse::error::message_too_large);
}

TEST(websocket_frame_test, fragments_adding_up_over_the_limit_are_refused) {
  const std::string input =
      server_frame(0x1, std::string(600, 'x'), false) + server_frame(0x0, std::string(600, 'x'));

  EXPECT_EQ(error_of(input, 1000), gatehouse::error::message_too_large);
}

// Unmasks a client frame as a server would; checks the header on the way.
std::string unmask_client_frame(std::string_view frame, std::uint8_t& opcode) {
  EXPECT_EQ(static_cast<std::uint8_t>(frame[0]) & 0x80, 0x80);  // final
  opcode = static_cast<std::uint8_t>(frame[0]) & 0x0F;
  const auto b1 = static_cast<std::uint8_t>(frame[1]);
  EXPECT_EQ(b1 & 0x80, 0x80);  // masked
  std::size_t length = b1 & 0x7F;
  std::size_t at = 2;
  if (length >= 126) {
    const std::size_t bytes = length == 126 ? 2 : 8;
    length = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
      length = (length << 8) | static_cast<std::uint8_t>(frame[at + i]);
    }
    at += bytes;
  }
  const std::string_view key = frame.substr(at, 4);
  at += 4;
  EXPECT_EQ(frame.size(), at + length);
  std::string payload(frame.substr(at));
  for (std::size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>(payload[i] ^ key[i % 4]);
  }
  return payload;
}

TEST(websocket_frame_test, client_frames_are_masked_and_unmask_to_the_payload) {
  for (const std::size_t size : {0u, 125u, 126u, 65535u, 65536u}) {
    std::string payload(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
      payload[i] = static_cast<char>('a' + i % 26);
    }
    std::string frame;
    append_client_frame(frame, frame_opcode::text, payload, 0x12345678);

    std::uint8_t opcode = 0;
    EXPECT_EQ(unmask_client_frame(frame, opcode), payload) << size;
    EXPECT_EQ(opcode, 0x1);
    if (size >= 4) {
      EXPECT_NE(frame.substr(frame.size() - size), payload) << "payload sent in the clear";
    }
  }
}

TEST(websocket_frame_test, close_payload_is_the_code_then_a_reason_cut_to_fit) {
  const std::string body = close_payload(4000, std::string(200, 'r'));

  EXPECT_EQ(body.size(), 125u);  // a control frame's payload is at most 125 bytes
  EXPECT_EQ(static_cast<std::uint8_t>(body[0]), 4000 >> 8);
  EXPECT_EQ(static_cast<std::uint8_t>(body[1]), 4000 & 0xFF);
}

TEST(websocket_frame_test, a_close_is_answered_with_its_code_only_when_one_may_send_it) {
  EXPECT_EQ(close_reply(4000), close_payload(4000, {}));
  EXPECT_EQ(close_reply(1000), close_payload(1000, {}));
  for (const std::uint16_t reserved : {0, 999, 1004, 1005, 1006, 1015, 5000, 65535}) {
    EXPECT_EQ(close_reply(reserved), "") << reserved;
  }
}

}  // namespace
}  // namespace gatehouse::transport
