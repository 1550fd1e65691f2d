// The client payload rules and their close codes.
#include "testgw/gateway_rules.hpp"

#include <boost/json.hpp>

#include "core/close_code.hpp"
#include "core/intents.hpp"
#include "core/opcode.hpp"

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;
using core::close_code;

rule_violation make_violation(close_code code, std::string what) {
  return {static_cast<std::uint16_t>(code), std::move(what)};
}

// A non-negative JSON integer, whichever way Boost.JSON stored it.
std::optional<std::uint64_t> as_unsigned(const json::value& v) {
  if (auto u = v.if_uint64()) {
    return *u;
  }
  if (auto i = v.if_int64(); i != nullptr && *i >= 0) {
    return static_cast<std::uint64_t>(*i);
  }
  return std::nullopt;
}

}  // namespace

std::variant<client_payload, rule_violation> decode_payload(std::string_view text, bool binary,
                                                            std::size_t max_size) {
  if (binary) {
    return make_violation(close_code::decode_error, "binary message");  // §5.4
  }
  if (text.size() > max_size) {
    return make_violation(close_code::decode_error,
                          "payload of " + std::to_string(text.size()) + " bytes");  // §5.4
  }

  std::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) {
    return make_violation(close_code::decode_error, "payload is not json");
  }
  json::object* o = doc.if_object();
  if (o == nullptr) {
    return make_violation(close_code::decode_error, "payload is not a json object");
  }
  const json::value* op = o->if_contains("op");
  if (op == nullptr || !op->is_int64()) {
    return make_violation(close_code::decode_error, "payload has no integer op");
  }

  int code = static_cast<int>(op->get_int64());
  if (op->get_int64() < 0 || op->get_int64() > 255 || !core::is_sendable(code)) {
    auto what = core::is_receivable(code) ? "receive-only opcode " : "unknown opcode ";
    return make_violation(close_code::unknown_opcode,
                          what + std::to_string(op->get_int64()));  // §2.2
  }

  client_payload payload{code, nullptr};
  if (json::value* d = o->if_contains("d")) {
    payload.d = std::move(*d);
  }

  return payload;
}

std::optional<rule_violation> check_order(int op, bool authenticated) {
  if (!authenticated && !core::is_allowed_before_auth(op)) {
    return make_violation(close_code::not_authenticated,
                          "opcode " + std::to_string(op) + " before identify");  // §3.3
  }
  if (authenticated && (op == 2 || op == 6)) {
    return make_violation(close_code::already_authenticated,
                          op == 2 ? "second identify" : "resume after authenticating");  // §2.2
  }
  return std::nullopt;
}

std::optional<rule_violation> check_heartbeat(const json::value& d) {
  if (d.is_null() || as_unsigned(d)) {
    return std::nullopt;
  }
  return make_violation(close_code::unknown_opcode, "heartbeat d is not a sequence or null");
}

std::variant<identify_request, rule_violation> check_identify(const json::value& d,
                                                              std::string_view token,
                                                              std::uint32_t enabled_privileged) {
  // The shape: an object with a string token and an object of properties.
  const json::object* o = d.if_object();
  if (o == nullptr) {
    return make_violation(close_code::unknown_opcode, "identify d is not an object");
  }
  const json::value* tok = o->if_contains("token");
  if (tok == nullptr || !tok->is_string()) {
    return make_violation(close_code::unknown_opcode, "identify has no string token");
  }
  const json::value* props = o->if_contains("properties");
  if (props == nullptr || !props->is_object()) {
    return make_violation(close_code::unknown_opcode, "identify has no properties object");
  }

  // The exact bare token: "Bot <token>" or a token with whitespace is wrong (§3.3).
  if (tok->get_string() != token) {
    return make_violation(close_code::authentication_failed, "identify token is wrong");
  }

  // Intents are required since v8 and must use documented bits only (§7.1, §7.4).
  identify_request request;
  const json::value* intents = o->if_contains("intents");
  if (intents == nullptr) {
    return make_violation(close_code::invalid_intents, "identify has no intents");
  }
  auto bits = as_unsigned(*intents);
  if (!bits || *bits > 0xFFFFFFFFu) {
    return make_violation(close_code::invalid_intents, "intents is not a 32-bit integer");
  }
  request.intents = static_cast<std::uint32_t>(*bits);
  if ((request.intents & ~core::defined_intents) != 0) {
    return make_violation(close_code::invalid_intents, "undefined intent bits");  // §7.1
  }
  std::uint32_t disallowed = request.intents & core::privileged_intents & ~enabled_privileged;
  if (disallowed != 0) {
    return make_violation(close_code::disallowed_intents,
                          "privileged intents not enabled: " + std::to_string(disallowed));
  }

  // shard is [shard_id, num_shards] with shard_id below num_shards (§6).
  if (const json::value* shard = o->if_contains("shard"); shard != nullptr) {
    const json::array* pair = shard->if_array();
    auto id = pair && pair->size() == 2 ? as_unsigned((*pair)[0]) : std::nullopt;
    auto count = pair && pair->size() == 2 ? as_unsigned((*pair)[1]) : std::nullopt;
    if (!id || !count || *count == 0 || *id >= *count || *count > 65535) {
      return make_violation(close_code::invalid_shard, "shard is not [id, count] with id < count");
    }
    request.shard_id = static_cast<std::uint32_t>(*id);
    request.num_shards = static_cast<std::uint32_t>(*count);
    request.has_shard = true;
  }

  return request;
}

std::variant<resume_request, rule_violation> check_resume(const json::value& d,
                                                          std::string_view token) {
  const json::object* o = d.if_object();
  if (o == nullptr) {
    return make_violation(close_code::unknown_opcode, "resume d is not an object");
  }
  const json::value* tok = o->if_contains("token");
  const json::value* id = o->if_contains("session_id");
  const json::value* seq = o->if_contains("seq");
  if (tok == nullptr || !tok->is_string() || id == nullptr || !id->is_string()) {
    return make_violation(close_code::unknown_opcode, "resume needs token and session_id");
  }

  // A null seq means no dispatch was seen, which READY makes impossible (§3.6).
  auto sequence = seq != nullptr ? as_unsigned(*seq) : std::nullopt;
  if (!sequence) {
    return make_violation(close_code::unknown_opcode, "resume seq is not an integer");
  }
  if (tok->get_string() != token) {
    return make_violation(close_code::authentication_failed, "resume token is wrong");
  }

  return resume_request{std::string(id->get_string()), *sequence};
}

send_window::send_window(int limit, duration window)
    : limit_(limit > 0 ? static_cast<std::size_t>(limit) : 1), window_(window) {}

bool send_window::admit(time_point now) {
  while (!recent_.empty() && now - recent_.front() >= window_) {
    recent_.pop_front();
  }
  if (recent_.size() >= limit_) {
    return false;  // §5.1: the one over the limit closes with 4008
  }
  recent_.push_back(now);

  return true;
}

}  // namespace gatehouse::testgw
