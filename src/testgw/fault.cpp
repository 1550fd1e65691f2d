// Fault kinds by name, and faults to and from JSON.
#include "testgw/fault.hpp"

#include <array>
#include <cmath>
#include <utility>

#include <boost/json.hpp>

#include "core/close_code.hpp"

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;

constexpr std::array<std::pair<fault_kind, std::string_view>, 17> kind_names{{
    {fault_kind::reconnect, "reconnect"},
    {fault_kind::invalid_session, "invalid_session"},
    {fault_kind::heartbeat_request, "heartbeat_request"},
    {fault_kind::close, "close"},
    {fault_kind::drop, "drop"},
    {fault_kind::expire_session, "expire_session"},
    {fault_kind::exhaust_session_budget, "exhaust_session_budget"},
    {fault_kind::rest_status, "rest_status"},
    {fault_kind::go_silent, "go_silent"},
    {fault_kind::delay_acks, "delay_acks"},
    {fault_kind::withhold_acks, "withhold_acks"},
    {fault_kind::delay_hello, "delay_hello"},
    {fault_kind::delay_ready, "delay_ready"},
    {fault_kind::split_messages, "split_messages"},
    {fault_kind::fragment_frames, "fragment_frames"},
    {fault_kind::refuse_resume, "refuse_resume"},
    {fault_kind::reset_resume, "reset_resume"},
}};

// Reads an integer field into `out` when present; false when present with another type or
// with a value `Int` cannot hold, so that nothing posted is wrapped into another value.
template <typename Int>
bool read_int(const json::object& o, std::string_view key, Int& out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) {
    return true;
  }
  if (const auto* n = v->if_int64(); n != nullptr && std::in_range<Int>(*n)) {
    out = static_cast<Int>(*n);
    return true;
  }
  if (const auto* u = v->if_uint64(); u != nullptr && std::in_range<Int>(*u)) {
    out = static_cast<Int>(*u);
    return true;
  }
  return false;
}

bool read_ms(const json::object& o, std::string_view key, milliseconds& out) {
  std::int64_t n = out.count();
  if (!read_int(o, key, n) || n < 0) {
    return false;
  }
  out = milliseconds{n};
  return true;
}

// Reads a field into `out` when present; false when present and `convert` refuses it.
template <typename T, typename Convert>
bool read_field(const json::object& o, std::string_view key, T& out, Convert convert) {
  const json::value* v = o.if_contains(key);
  return v == nullptr || convert(*v, out);
}

bool read_string(const json::object& o, std::string_view key, std::string& out) {
  return read_field(o, key, out, [](const json::value& v, std::string& to) {
    if (auto s = v.if_string()) {
      to = std::string(*s);
      return true;
    }
    return false;
  });
}

bool read_bool(const json::object& o, std::string_view key, bool& out) {
  return read_field(o, key, out, [](const json::value& v, bool& to) {
    if (auto b = v.if_bool()) {
      to = *b;
      return true;
    }
    return false;
  });
}

bool read_double(const json::object& o, std::string_view key, double& out) {
  return read_field(o, key, out, [](const json::value& v, double& to) {
    if (!v.is_number()) {
      return false;
    }
    to = v.to_number<double>();
    return true;
  });
}

constexpr std::array<std::string_view, 17> known_fields{
    "kind",        "session_id", "shard",         "code",       "reason", "resumable",
    "delay_ms",    "parts",      "fragment_size", "status",     "route",  "count",
    "retry_after", "global",     "at_ms",         "lasting_ms", "comment"};

bool is_known_field(std::string_view key) {
  for (auto k : known_fields) {
    if (k == key) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view fault_kind_name(fault_kind kind) {
  for (const auto& [k, name] : kind_names) {
    if (k == kind) {
      return name;
    }
  }
  return "unknown";
}

std::optional<fault_kind> fault_kind_from_name(std::string_view name) {
  for (const auto& [k, n] : kind_names) {
    if (n == name) {
      return k;
    }
  }
  return std::nullopt;
}

bool is_lasting(fault_kind kind) {
  return static_cast<int>(kind) >= static_cast<int>(fault_kind::go_silent);
}

std::optional<fault> parse_fault(const json::value& value, std::string& what) {
  const json::object* o = value.if_object();
  if (o == nullptr) {
    what = "fault is not a json object";
    return std::nullopt;
  }
  for (const auto& field : *o) {
    if (!is_known_field(field.key())) {
      what = "unknown fault field " + std::string(field.key());
      return std::nullopt;
    }
  }

  // The kind decides everything else, so it comes first.
  std::string kind_text;
  if (!read_string(*o, "kind", kind_text) || kind_text.empty()) {
    what = "fault needs a string kind";
    return std::nullopt;
  }
  auto kind = fault_kind_from_name(kind_text);
  if (!kind) {
    what = "unknown fault kind " + kind_text;
    return std::nullopt;
  }

  fault f;
  f.kind = *kind;
  std::int64_t fragment = static_cast<std::int64_t>(f.fragment_size);
  std::int64_t code = f.code;
  bool ok = read_string(*o, "session_id", f.session_id) && read_int(*o, "shard", f.shard) &&
            read_int(*o, "code", code) && read_string(*o, "reason", f.reason) &&
            read_bool(*o, "resumable", f.resumable) && read_ms(*o, "delay_ms", f.delay) &&
            read_int(*o, "parts", f.parts) && read_int(*o, "fragment_size", fragment) &&
            read_int(*o, "status", f.status) && read_string(*o, "route", f.route) &&
            read_int(*o, "count", f.count) && read_double(*o, "retry_after", f.retry_after) &&
            read_bool(*o, "global", f.global) && read_ms(*o, "at_ms", f.at) &&
            read_ms(*o, "lasting_ms", f.lasting);
  if (!ok) {
    what = "fault " + kind_text + " has a field of the wrong type";
    return std::nullopt;
  }

  // Values that would make the fault meaningless are refused rather than clamped.
  if (f.parts < 2 || fragment < 1 || f.count < 0 || f.reason.size() > 123 || f.retry_after < 0 ||
      !std::isfinite(f.retry_after)) {
    what = "fault " + kind_text + " has an out-of-range value";
    return std::nullopt;
  }
  if (f.kind == fault_kind::rest_status && (f.status < 400 || f.status > 599)) {
    what = "rest_status needs a 4xx or 5xx status";
    return std::nullopt;
  }
  if (!core::is_sendable_close_code(code)) {
    what = "close code " + std::to_string(code) +
           " cannot be sent: use 1000-4999 except 1004, 1005, 1006 and 1015";
    return std::nullopt;
  }
  f.code = static_cast<std::uint16_t>(code);
  f.fragment_size = static_cast<std::size_t>(fragment);

  return f;
}

json::value to_json(const fault& f) {
  json::object o;
  o["kind"] = fault_kind_name(f.kind);
  if (!f.session_id.empty()) {
    o["session_id"] = f.session_id;
  }
  if (f.shard >= 0) {
    o["shard"] = f.shard;
  }
  switch (f.kind) {
    case fault_kind::close:
      o["code"] = f.code;
      o["reason"] = f.reason;
      break;
    case fault_kind::invalid_session:
      o["resumable"] = f.resumable;
      break;
    case fault_kind::delay_acks:
    case fault_kind::delay_hello:
    case fault_kind::delay_ready:
      o["delay_ms"] = f.delay.count();
      break;
    case fault_kind::split_messages:
      o["parts"] = f.parts;
      break;
    case fault_kind::fragment_frames:
      o["fragment_size"] = f.fragment_size;
      break;
    case fault_kind::rest_status:
      o["status"] = f.status;
      o["route"] = f.route;
      o["count"] = f.count;
      break;
    case fault_kind::refuse_resume:
    case fault_kind::reset_resume:
      o["count"] = f.count;
      break;
    default:
      break;
  }
  o["at_ms"] = f.at.count();
  if (is_lasting(f.kind)) {
    o["lasting_ms"] = f.lasting.count();
  }

  return o;
}

}  // namespace gatehouse::testgw
