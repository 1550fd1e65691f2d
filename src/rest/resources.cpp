// JSON parsers for the REST answers (§1.2, §1.3, §9.2).
#include "rest/resources.hpp"

#include "rest/rest_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <limits>
#include <optional>

namespace gatehouse::rest {
namespace {

namespace json = boost::json;

// A body that is not JSON parses as null, which no caller accepts.
json::value parse_json(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  return ec ? json::value() : v;
}

std::optional<std::string> string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return std::nullopt;
  }
  return std::string(v->get_string());
}

// Snowflakes come as strings, but an integer is accepted too (§0).
std::optional<std::string> id_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v != nullptr && (v->is_uint64() || v->is_int64())) {
    return json::serialize(*v);
  }
  return string_field(o, key);
}

template <class Int>
std::optional<Int> int_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  const auto n = v->to_number<std::int64_t>(ec);
  if (ec || n < 0 || static_cast<std::uint64_t>(n) > std::numeric_limits<Int>::max()) {
    return std::nullopt;
  }
  return static_cast<Int>(n);
}

}  // namespace

gateway_info parse_gateway_info(std::string_view body, std::error_code& ec) {
  ec.clear();
  const json::value v = parse_json(body);
  const json::object* o = v.if_object();
  auto url = o ? string_field(*o, "url") : std::nullopt;
  if (!url) {
    ec = rest_error::bad_response;
    return {};
  }
  return {std::move(*url)};
}

gateway_bot_info parse_gateway_bot_info(std::string_view body, std::error_code& ec) {
  ec.clear();
  const json::value v = parse_json(body);
  const json::object* o = v.if_object();
  const json::value* limit_value = o ? o->if_contains("session_start_limit") : nullptr;
  const json::object* limit =
      limit_value && limit_value->is_object() ? &limit_value->get_object() : nullptr;
  if (limit == nullptr) {
    ec = rest_error::bad_response;
    return {};
  }

  auto url = string_field(*o, "url");
  const auto shards = int_field<std::uint32_t>(*o, "shards");
  const auto total = int_field<std::uint32_t>(*limit, "total");
  const auto remaining = int_field<std::uint32_t>(*limit, "remaining");
  const auto reset_after = int_field<std::int64_t>(*limit, "reset_after");
  const auto concurrency = int_field<std::uint32_t>(*limit, "max_concurrency");
  if (!url || !shards || !total || !remaining || !reset_after || !concurrency) {
    ec = rest_error::bad_response;
    return {};
  }

  gateway_bot_info out;
  out.url = std::move(*url);
  out.shards = *shards;
  out.session_start_limit = {*total, *remaining, *reset_after, *concurrency};
  return out;
}

current_user parse_current_user(std::string_view body, std::error_code& ec) {
  ec.clear();
  const json::value v = parse_json(body);
  const json::object* o = v.if_object();
  auto id = o ? id_field(*o, "id") : std::nullopt;
  auto username = o ? string_field(*o, "username") : std::nullopt;
  if (!id || !username) {
    ec = rest_error::bad_response;
    return {};
  }

  current_user out;
  out.id = std::move(*id);
  out.username = std::move(*username);
  out.global_name = string_field(*o, "global_name").value_or("");
  const auto* bot = o->if_contains("bot");
  out.bot = bot && bot->is_bool() && bot->get_bool();
  return out;
}

created_message parse_created_message(std::string_view body, std::error_code& ec) {
  ec.clear();
  const json::value v = parse_json(body);
  const json::object* o = v.if_object();
  auto id = o ? id_field(*o, "id") : std::nullopt;
  auto channel = o ? id_field(*o, "channel_id") : std::nullopt;
  if (!id || !channel) {
    ec = rest_error::bad_response;
    return {};
  }
  return {std::move(*id), std::move(*channel)};
}

}  // namespace gatehouse::rest
