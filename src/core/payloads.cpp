// Builders for the payloads the client sends
// (gateway-spec.md §2.2, §3.2, §3.3, §3.6).
#include "core/payloads.hpp"

#include <boost/json/parse.hpp>

#include <charconv>

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

void append_int(std::string& out, std::int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

void append_bool(std::string& out, bool b) {
  out += b ? "true" : "false";
}

// `,"key":` with the comma left out for the first member.
void append_key(std::string& out, std::string_view key) {
  if (out.back() != '{') {
    out += ',';
  }
  append_json_string(out, key);
  out += ':';
}

// One member of an object: `"key":value`, after a comma unless it is the first.
void put_string(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  append_json_string(out, value);
}

void put_bool(std::string& out, std::string_view key, bool value) {
  append_key(out, key);
  append_bool(out, value);
}

void put_int(std::string& out, std::string_view key, std::int64_t value) {
  append_key(out, key);
  append_int(out, value);
}

void put_uint(std::string& out, std::string_view key, std::uint64_t value) {
  append_key(out, key);
  append_number(out, value);
}

void append_op(std::string& out, opcode op) {
  out += "{\"op\":";
  append_int(out, static_cast<int>(op));
  out += ",\"d\":";
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += hex[u >> 4];
          out += hex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

bool is_json_value(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  return !ec;
}

std::string heartbeat_payload(std::optional<std::uint64_t> sequence) {
  std::string out;
  append_op(out, opcode::heartbeat);
  if (sequence) {
    append_number(out, *sequence);
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

std::string identify_payload(const identify_params& p, std::error_code& ec) {
  ec.clear();
  if (!p.presence.empty() && !is_json_value(p.presence)) {
    ec = error::invalid_payload;
    return {};
  }

  std::string out;
  append_op(out, opcode::identify);
  out += '{';
  put_string(out, "token", p.token);
  put_uint(out, "intents", p.intents);
  append_key(out, "properties");
  out += '{';
  put_string(out, "os", p.os);
  put_string(out, "browser", p.browser);
  put_string(out, "device", p.device);
  out += '}';

  // Payload compression stays off; transport
  // compression is negotiated in the URL (§3.3, §8).
  put_bool(out, "compress", false);
  put_int(out, "large_threshold", p.large_threshold);
  if (p.shard_id) {
    append_key(out, "shard");
    out += '[';
    append_number(out, *p.shard_id);
    out += ',';
    append_number(out, p.shard_count);
    out += ']';
  }
  if (!p.presence.empty()) {
    append_key(out, "presence");
    out += p.presence;
  }
  out += "}}";
  return out;
}

std::string resume_payload(std::string_view token, std::string_view session_id,
                           std::uint64_t sequence) {
  std::string out;
  append_op(out, opcode::resume);
  out += '{';
  put_string(out, "token", token);
  put_string(out, "session_id", session_id);
  put_uint(out, "seq", sequence);
  out += "}}";
  return out;
}

std::string command_payload(opcode op, std::string_view data, std::error_code& ec) {
  ec.clear();
  const int n = static_cast<int>(op);
  if (is_sendable(n) && !is_command(n)) {
    ec = error::reserved_opcode;
    return {};
  }
  if (!is_command(n)) {
    ec = error::receive_only_opcode;  // G26: never build op 0, 7, 9, 10, 11 or unknown ops
    return {};
  }
  if (!is_json_value(data)) {
    ec = error::invalid_payload;
    return {};
  }

  std::string out;
  out.reserve(data.size() + 16);
  append_op(out, op);
  out += data;
  out += '}';
  if (out.size() > max_payload_size) {
    ec = error::payload_too_large;  // §5.4
    return {};
  }
  return out;
}

std::string presence_data(const presence_update& p) {
  std::string out = "{";
  append_key(out, "since");
  if (p.since) {
    append_number(out, *p.since);
  } else {
    out += "null";
  }
  append_key(out, "activities");
  out += '[';
  for (const auto& a : p.activities) {
    if (out.back() != '[') {
      out += ',';
    }
    out += '{';
    put_string(out, "name", a.name);
    put_int(out, "type", a.type);
    if (!a.state.empty()) {
      put_string(out, "state", a.state);
    }
    if (!a.url.empty()) {
      put_string(out, "url", a.url);
    }
    out += '}';
  }
  out += ']';
  put_string(out, "status", p.status);
  put_bool(out, "afk", p.afk);
  out += '}';
  return out;
}

std::string voice_state_data(const voice_state_update& v) {
  std::string out = "{";
  put_string(out, "guild_id", v.guild_id);
  append_key(out, "channel_id");
  if (v.channel_id.empty()) {
    out += "null";  // leaves voice (§2.2)
  } else {
    append_json_string(out, v.channel_id);
  }
  put_bool(out, "self_mute", v.self_mute);
  put_bool(out, "self_deaf", v.self_deaf);
  out += '}';
  return out;
}

std::string guild_members_request_data(const guild_members_request& r) {
  std::string out = "{";
  put_string(out, "guild_id", r.guild_id);

  // Either user_ids or query; `limit` goes with query (§2.3).
  if (r.user_ids.empty()) {
    put_string(out, "query", r.query);
    put_uint(out, "limit", r.limit);
  } else {
    append_key(out, "user_ids");
    out += '[';
    for (const auto& id : r.user_ids) {
      if (out.back() != '[') {
        out += ',';
      }
      append_json_string(out, id);
    }
    out += ']';
  }
  if (r.presences) {
    put_bool(out, "presences", true);
  }
  if (!r.nonce.empty()) {
    put_string(out, "nonce", r.nonce);
  }
  out += '}';
  return out;
}

}  // namespace gatehouse::core
