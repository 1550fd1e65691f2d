// The client side of WebSocket framing (RFC 6455 §5), with no I/O: the server's frames read
// from a byte buffer into messages and control frames, and the client's frames written masked.
//
// Reading in bulk and cutting frames here, rather than one asynchronous read per frame, is what
// lets one large socket read deliver dozens of gateway messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "transport/message_buffer.hpp"

namespace gatehouse::transport {

enum class frame_opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// What the next frame or frames of the input amount to.
struct frame_event {
  enum class kind { message, ping, pong, close };

  kind what = kind::message;
  bool binary = false;           // message: binary (compressed) rather than text
  std::string_view payload;      // message, ping, pong: the application data
  std::size_t padding = 0;       // readable bytes after `payload` in memory
  std::uint16_t close_code = 0;  // close: the peer's code, 0 when it gave none
  std::string_view close_reason;
};

class frame_reader {
 public:
  explicit frame_reader(std::size_t max_message_size) : max_message_size_(max_message_size) {}

  // The next event in `input`, which has `spare` readable bytes after it. `used` is set to the
  // bytes consumed (which may be more than one frame, or a fragment only); nullopt with no
  // error means more input is needed. Views stay valid until the input is changed or next() is
  // called again. Errors: bad_frame for what a server must not send (a mask, reserved bits,
  // an unknown opcode, a fragmented or long control frame, a continuation out of place),
  // message_too_large over the limit.
  std::optional<frame_event> next(std::string_view input, std::size_t spare, std::size_t& used,
                                  std::error_code& ec);

 private:
  std::size_t max_message_size_;
  message_buffer fragments_;  // a fragmented message being put together
  bool assembling_ = false;
  bool assembling_binary_ = false;
  bool delivered_fragments_ = false;  // fragments_ was handed out; cleared on the next call
};

// Appends one final client frame carrying `payload`, masked with `mask` (§5.3: every frame a
// client sends is masked).
void append_client_frame(std::string& out, frame_opcode opcode, std::string_view payload,
                         std::uint32_t mask);

// The payload of a close frame: the code in network order, then the reason (at most 123 bytes).
std::string close_payload(std::uint16_t code, std::string_view reason);

// The payload that answers a peer's close with `code` (0: it gave none): the same code when an
// endpoint may send it (§7.4: 1000-4999 but 1004-1006 and 1015), else an empty body.
std::string close_reply(std::uint16_t code);

}  // namespace gatehouse::transport
