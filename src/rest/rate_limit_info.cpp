// Parsing of rate-limit headers and 429 bodies (§9.3, §9.4).
#include "rest/rate_limit_info.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

namespace gatehouse::rest {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

std::optional<std::string_view> find(std::span<const header_field> headers, std::string_view name) {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) {
      return h.value;
    }
  }
  return std::nullopt;
}

std::optional<double> to_number(std::optional<std::string_view> s) {
  double v = 0;
  if (!s || s->empty()) {
    return std::nullopt;
  }
  const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || end != s->data() + s->size() || !std::isfinite(v) || v < 0) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint32_t> to_count(std::optional<std::string_view> s) {
  std::uint32_t v = 0;
  if (!s || s->empty()) {
    return std::nullopt;
  }
  const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || end != s->data() + s->size()) {
    return std::nullopt;
  }
  return v;
}

// Rounded up to a microsecond: waiting a hair too long is harmless, too short brings a 429.
core::duration from_seconds(double s) {
  return std::chrono::ceil<std::chrono::microseconds>(std::chrono::duration<double>(s));
}

limit_scope to_scope(std::optional<std::string_view> s) {
  if (!s) {
    return limit_scope::none;
  }
  if (iequals(*s, "user")) {
    return limit_scope::user;
  }
  if (iequals(*s, "global")) {
    return limit_scope::global;
  }
  if (iequals(*s, "shared")) {
    return limit_scope::shared;
  }
  return limit_scope::none;
}

}  // namespace

rate_limit_info parse_rate_limit_headers(std::span<const header_field> headers,
                                         std::optional<double> unix_now_seconds) {
  rate_limit_info info;
  if (const auto b = find(headers, "X-RateLimit-Bucket"); b && !b->empty()) {
    info.bucket.emplace(*b);
  }
  info.limit = to_count(find(headers, "X-RateLimit-Limit"));
  info.remaining = to_count(find(headers, "X-RateLimit-Remaining"));

  // Reset-After needs no clock agreement with the server, so it wins over Reset (§9.3).
  if (const auto after = to_number(find(headers, "X-RateLimit-Reset-After"))) {
    info.reset_after = from_seconds(*after);
  } else if (const auto at = to_number(find(headers, "X-RateLimit-Reset"));
             at && unix_now_seconds) {
    info.reset_after = from_seconds(std::max(0.0, *at - *unix_now_seconds));
  }

  if (const auto retry = to_number(find(headers, "Retry-After"))) {
    info.retry_after = from_seconds(*retry);
  }
  const auto global = find(headers, "X-RateLimit-Global");
  info.global = global && (iequals(*global, "true") || *global == "1");
  info.scope = to_scope(find(headers, "X-RateLimit-Scope"));
  if (info.scope == limit_scope::global) {
    info.global = true;
  }
  return info;
}

void apply_429_body(rate_limit_info& info, std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) {
    return;
  }
  const auto& obj = v.get_object();

  if (const auto* retry = obj.if_contains("retry_after"); retry && retry->is_number()) {
    const double s = retry->to_number<double>(ec);
    if (!ec && std::isfinite(s) && s >= 0) {
      info.retry_after = from_seconds(s);
    }
  }
  if (const auto* global = obj.if_contains("global"); global && global->is_bool()) {
    info.global = info.global || global->get_bool();
  }
}

}  // namespace gatehouse::rest
