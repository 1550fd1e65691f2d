// WebSocket frames of a client (RFC 6455 §5.2-§5.5).
#include "transport/websocket_frame.hpp"

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "transport/transport_error.hpp"

namespace gatehouse::transport {

namespace {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t reserved_bits = 0x70;
constexpr std::uint8_t opcode_bits = 0x0F;
constexpr std::uint8_t mask_bit = 0x80;
constexpr std::size_t max_control_payload = 125;  // §5.5
constexpr std::size_t max_close_reason = 123;
// A fragmented message's buffer is kept for the next one up to this size.
constexpr std::size_t kept_fragment_capacity = 64 * 1024;

std::uint8_t byte_at(std::string_view s, std::size_t i) {
  return static_cast<std::uint8_t>(s[i]);
}

bool is_control(std::uint8_t opcode) {
  return (opcode & 0x8) != 0;
}

bool is_known(std::uint8_t opcode) {
  switch (static_cast<frame_opcode>(opcode)) {
    case frame_opcode::continuation:
    case frame_opcode::text:
    case frame_opcode::binary:
    case frame_opcode::close:
    case frame_opcode::ping:
    case frame_opcode::pong:
      return true;
  }
  return false;
}

struct header {
  bool fin = false;
  std::uint8_t opcode = 0;
  std::uint64_t length = 0;
  std::size_t size = 0;  // bytes of the header itself
};

// Reads a server frame's header: false when `bytes` does not hold all of it yet.
bool read_header(std::string_view bytes, header& h, std::error_code& ec) {
  if (bytes.size() < 2) {
    return false;
  }
  const std::uint8_t b0 = byte_at(bytes, 0);
  const std::uint8_t b1 = byte_at(bytes, 1);
  h.fin = (b0 & fin_bit) != 0;
  h.opcode = b0 & opcode_bits;

  // §5.1: a server never masks; §5.2: no extension was agreed, so no reserved bit is set.
  if ((b0 & reserved_bits) != 0 || (b1 & mask_bit) != 0 || !is_known(h.opcode)) {
    ec = transport_error::bad_frame;
    return false;
  }

  const std::uint8_t short_length = b1 & 0x7F;
  std::size_t extra = short_length == 126 ? 2 : short_length == 127 ? 8 : 0;
  if (bytes.size() < 2 + extra) {
    return false;
  }
  h.size = 2 + extra;
  h.length = short_length;
  if (extra > 0) {
    h.length = 0;
    for (std::size_t i = 0; i < extra; ++i) {
      h.length = (h.length << 8) | byte_at(bytes, 2 + i);
    }
    if (h.length >> 63 != 0) {
      ec = transport_error::bad_frame;  // §5.2: the most significant bit must be 0
      return false;
    }
  }

  // §5.5: control frames are short and never fragmented.
  if (is_control(h.opcode) && (!h.fin || h.length > max_control_payload)) {
    ec = transport_error::bad_frame;
    return false;
  }
  return true;
}

frame_event message_event(bool binary, std::string_view payload, std::size_t padding) {
  frame_event e;
  e.binary = binary;
  e.payload = payload;
  e.padding = padding;
  return e;
}

frame_event control_event(std::uint8_t opcode, std::string_view payload, std::error_code& ec) {
  frame_event e;
  e.payload = payload;
  switch (static_cast<frame_opcode>(opcode)) {
    case frame_opcode::ping:
      e.what = frame_event::kind::ping;
      break;
    case frame_opcode::pong:
      e.what = frame_event::kind::pong;
      break;
    default:
      e.what = frame_event::kind::close;
      e.payload = {};
      // §5.5.1: no body, or a two-byte code and a reason; one byte is neither.
      if (payload.size() == 1) {
        ec = transport_error::bad_frame;
        break;
      }
      if (payload.size() >= 2) {
        e.close_code = static_cast<std::uint16_t>(byte_at(payload, 0) << 8 | byte_at(payload, 1));
        e.close_reason = payload.substr(2);
      }
      break;
  }
  return e;
}

}  // namespace

std::optional<frame_event> frame_reader::next(std::string_view input, std::size_t spare,
                                              std::size_t& used, std::error_code& ec) {
  ec.clear();
  used = 0;
  if (delivered_fragments_) {
    fragments_.clear();
    fragments_.release_above(kept_fragment_capacity);  // one huge message is not kept for good
    delivered_fragments_ = false;
  }

  // Fragments are copied aside and consumed; a whole frame is handed out where it lies.
  for (;;) {
    const std::string_view rest = input.substr(used);
    header h;
    if (!read_header(rest, h, ec)) {
      return std::nullopt;
    }
    if (h.length > max_message_size_) {
      ec = error::message_too_large;  // refused from the header, before it is buffered
      return std::nullopt;
    }
    if (rest.size() - h.size < h.length) {
      return std::nullopt;
    }
    const std::string_view payload = rest.substr(h.size, h.length);
    const std::size_t end = used + h.size + h.length;

    if (is_control(h.opcode)) {
      used = end;
      auto e = control_event(h.opcode, payload, ec);
      if (ec) {
        return std::nullopt;
      }
      return e;
    }

    const auto opcode = static_cast<frame_opcode>(h.opcode);
    if (opcode != frame_opcode::continuation) {
      if (assembling_) {
        ec = transport_error::bad_frame;  // §5.4: a new message inside a fragmented one
        return std::nullopt;
      }
      used = end;
      if (h.fin) {
        return message_event(opcode == frame_opcode::binary, payload, input.size() - end + spare);
      }
      assembling_ = true;
      assembling_binary_ = opcode == frame_opcode::binary;
      fragments_.clear();
      fragments_.append(payload);
      continue;
    }

    if (!assembling_) {
      ec = transport_error::bad_frame;  // a continuation with nothing to continue
      return std::nullopt;
    }
    if (fragments_.size() + payload.size() > max_message_size_) {
      ec = error::message_too_large;
      return std::nullopt;
    }
    fragments_.append(payload);
    used = end;
    if (h.fin) {
      assembling_ = false;
      delivered_fragments_ = true;
      return message_event(assembling_binary_, fragments_.view(), message_buffer::padding);
    }
  }
}

void append_client_frame(std::string& out, frame_opcode opcode, std::string_view payload,
                         std::uint32_t mask) {
  out.push_back(static_cast<char>(fin_bit | static_cast<std::uint8_t>(opcode)));
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
    }
  }

  const char key[4] = {static_cast<char>(mask >> 24), static_cast<char>(mask >> 16),
                       static_cast<char>(mask >> 8), static_cast<char>(mask)};
  out.append(key, 4);
  const std::size_t start = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < n; ++i) {
    out[start + i] = static_cast<char>(out[start + i] ^ key[i % 4]);
  }
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string body;
  body.push_back(static_cast<char>(code >> 8));
  body.push_back(static_cast<char>(code & 0xFF));
  body.append(reason.substr(0, max_close_reason));
  return body;
}

std::string close_reply(std::uint16_t code) {
  return core::is_sendable_close_code(code) ? close_payload(code, {}) : std::string();
}

}  // namespace gatehouse::transport
