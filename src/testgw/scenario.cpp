// Reads a scenario file section by section; every field is checked for type and every
// unknown field is refused.
#include "testgw/scenario.hpp"

#include "core/intents.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace gatehouse::testgw {

namespace json = boost::json;

namespace {

// One JSON object being read. The first bad field records its path in `what` and turns every
// later read into a no-op, so a section reads as a flat list of fields ending in done().
class section {
 public:
  section(const json::value* value, std::string path, std::string& what)
      : path_(std::move(path)), what_(what) {
    if (value && !value->is_object()) {
      fail("", "expected an object");
    } else if (value) {
      object_ = &value->as_object();
    }
  }

  bool is_present() const { return object_ != nullptr; }

  template <typename Int>
  section& integer(std::string_view key, Int& out) {
    if (const auto* v = find(key)) {
      const auto max = static_cast<std::uint64_t>(std::numeric_limits<Int>::max());
      if (v->is_uint64() && v->as_uint64() <= max) {
        out = static_cast<Int>(v->as_uint64());
      } else if (v->is_int64() && v->as_int64() >= 0 &&
                 static_cast<std::uint64_t>(v->as_int64()) <= max) {
        out = static_cast<Int>(v->as_int64());
      } else {
        fail(key, "expected a non-negative integer");
      }
    }
    return *this;
  }

  section& duration(std::string_view key, milliseconds& out) {
    auto count = static_cast<std::uint64_t>(out.count());
    integer(key, count);
    out = milliseconds{count};
    return *this;
  }

  section& number(std::string_view key, double& out) {
    if (const auto* v = find(key)) {
      if (!v->is_number() || v->to_number<double>() < 0 || !std::isfinite(v->to_number<double>())) {
        fail(key, "expected a non-negative number");
      } else {
        out = v->to_number<double>();
      }
    }
    return *this;
  }

  section& text(std::string_view key, std::string& out) {
    if (const auto* v = find(key)) {
      if (!v->is_string()) {
        fail(key, "expected a string");
      } else {
        out = v->as_string();
      }
    }
    return *this;
  }

  section& flag(std::string_view key, bool& out) {
    if (const auto* v = find(key)) {
      if (!v->is_bool()) {
        fail(key, "expected true or false");
      } else {
        out = v->as_bool();
      }
    }
    return *this;
  }

  // A snowflake, as a decimal string (the way Discord writes ids) or an integer.
  section& id(std::string_view key, snowflake& out) {
    if (const auto* v = find(key); v && v->is_string()) {
      if (const auto id = parse_snowflake(v->as_string())) {
        out = *id;
      } else {
        fail(key, "expected a snowflake");
      }
    } else if (v) {
      integer(key, out);
    }
    return *this;
  }

  // A field read by the caller: returns it (or null when absent) and marks it known.
  const json::value* raw(std::string_view key) { return find(key); }

  // The section as read: false when a field failed or a field was never asked for.
  bool done() {
    if (ok() && object_) {
      for (const auto& field : *object_) {
        if (!seen_.count(field.key())) {
          fail(field.key(), "unknown field");
          break;
        }
      }
    }
    return ok();
  }

  bool ok() const { return what_.empty(); }

  void fail(std::string_view key, std::string_view message) {
    if (ok()) {
      what_ = path_ + (key.empty() ? "" : "." + std::string(key)) + ": " + std::string(message);
    }
  }

  const std::string& path() const { return path_; }

 private:
  const json::value* find(std::string_view key) {
    if (!object_ || !ok()) {
      return nullptr;
    }
    seen_.insert(std::string(key));
    return object_->if_contains(key);
  }

  const json::object* object_ = nullptr;
  std::string path_;
  std::string& what_;
  std::set<std::string, std::less<>> seen_;
};

// "privileged_intents": ["MESSAGE_CONTENT", ...] or "MESSAGE_CONTENT,GUILD_MEMBERS".
void read_privileged(section& s, std::uint32_t& flags) {
  const auto* value = s.raw("privileged_intents");
  if (!value) {
    return;
  }

  std::string names;
  if (value->is_string()) {
    names = value->as_string();
  } else if (value->is_array()) {
    for (const auto& item : value->as_array()) {
      if (!item.is_string()) {
        s.fail("privileged_intents", "expected intent names");
        return;
      }
      names += (names.empty() ? "" : ",") + std::string(item.as_string());
    }
  } else {
    s.fail("privileged_intents", "expected intent names");
    return;
  }

  std::error_code ec;
  const auto intents = names.empty() ? 0u : core::parse_intents(names, ec);
  if (ec || (intents & ~core::privileged_intents) != 0) {
    s.fail("privileged_intents", "expected GUILD_MEMBERS, GUILD_PRESENCES or MESSAGE_CONTENT");
    return;
  }
  flags = application_flags_for(intents);
}

void read_gateway(section& s, gateway_options& g, std::string& what) {
  std::string refusal =
      g.refuse_resume_with == resume_refusal::close_code ? "close_code" : "invalid_session";
  s.integer("port", g.port)
      .integer("resume_port", g.resume_port)
      .text("token", g.token)
      .duration("heartbeat_interval_ms", g.heartbeat_interval)
      .duration("heartbeat_grace_ms", g.heartbeat_grace)
      .duration("identify_window_ms", g.identify_window)
      .integer("max_concurrency", g.max_concurrency)
      .integer("send_limit", g.send_limit)
      .duration("send_window_ms", g.send_window)
      .duration("session_window_ms", g.session_window)
      .text("refuse_resume_with", refusal)
      .integer("recommended_shards", g.recommended_shards)
      .integer("max_payload", g.max_payload)
      .integer("replay_limit", g.replay_limit);
  if (refusal != "close_code" && refusal != "invalid_session") {
    s.fail("refuse_resume_with", "expected \"close_code\" or \"invalid_session\"");
  }
  g.refuse_resume_with =
      refusal == "close_code" ? resume_refusal::close_code : resume_refusal::invalid_session;

  section starts(s.raw("session_starts"), s.path() + ".session_starts", what);
  starts.integer("total", g.session_starts.total)
      .integer("remaining", g.session_starts.remaining)
      .duration("reset_after_ms", g.session_starts.reset_after)
      .done();
}

}  // namespace

std::optional<traffic_run> parse_traffic(const json::value& value, std::string& what) {
  what.clear();
  traffic_run run;
  auto& o = run.generator;
  section traffic(&value, "traffic", what);
  traffic.integer("seed", o.seed)
      .number("events_per_second", o.events_per_second)
      .integer("count", run.count)
      .integer("pool_size", o.pool_size)
      .integer("large_guild_members", o.large_guild_members);
  section mix(traffic.raw("mix"), "traffic.mix", what);
  mix.integer("small_message", o.mix.small_message)
      .integer("large_message", o.mix.large_message)
      .integer("typing", o.mix.typing)
      .integer("presence", o.mix.presence)
      .integer("guild_create", o.mix.guild_create)
      .done();
  if (!traffic.done()) {
    return std::nullopt;
  }
  return run;
}

std::optional<scenario> parse_scenario(std::string_view text, std::string& what) {
  what.clear();
  boost::system::error_code ec;
  const auto root = json::parse(text, ec);
  if (ec) {
    what = "scenario: not JSON: " + ec.message();
    return std::nullopt;
  }

  scenario result;
  section top(&root, "scenario", what);
  auto& g = result.gateway;

  // gateway, and its nested session_starts and tls.
  section gateway(top.raw("gateway"), "gateway", what);
  read_gateway(gateway, g, what);
  section tls(gateway.raw("tls"), "gateway.tls", what);
  tls.flag("enabled", g.tls.enabled)
      .text("cert_file", g.tls.cert_file)
      .text("key_file", g.tls.key_file)
      .done();
  gateway.done();

  // world
  auto& w = g.world;
  section world(top.raw("world"), "world", what);
  world.id("application_id", w.application_id)
      .text("application_name", w.application_name)
      .integer("application_flags", w.application_flags)
      .integer("guilds", w.guild_count)
      .integer("channels_per_guild", w.channels_per_guild)
      .integer("users", w.users)
      .integer("members_per_guild", w.members_per_guild)
      .integer("dm_channels", w.dm_channels)
      .integer("max_guilds_per_shard", w.max_guilds_per_shard)
      .integer("seed", w.seed);
  read_privileged(world, w.application_flags);
  world.done();

  // rest, with a default bucket and buckets by route key.
  auto& r = g.rest;
  section rest(top.raw("rest"), "rest", what);
  rest.integer("global_per_second", r.global_per_second);
  const auto read_limit = [&](const json::value* v, const std::string& path, route_limit& l) {
    section limit(v, path, what);
    limit.integer("limit", l.limit).duration("window_ms", l.window).done();
  };
  read_limit(rest.raw("default_limit"), "rest.default_limit", r.default_limit);
  if (const auto* limits = rest.raw("limits"); limits && limits->is_object()) {
    for (const auto& [route, v] : limits->as_object()) {
      read_limit(&v, "rest.limits." + std::string(route), r.limits[std::string(route)]);
    }
  } else if (limits) {
    rest.fail("limits", "expected an object of route keys");
  }
  rest.done();

  // traffic, and its mix.
  if (const auto* traffic = top.raw("traffic"); traffic && top.ok()) {
    result.traffic = parse_traffic(*traffic, what);
  }

  // faults, each in fault.hpp's format.
  if (const auto* faults = top.raw("faults"); faults && faults->is_array()) {
    for (std::size_t i = 0; i < faults->as_array().size() && top.ok(); ++i) {
      std::string why;
      auto f = parse_fault(faults->as_array()[i], why);
      if (!f) {
        top.fail("faults[" + std::to_string(i) + "]", why);
      } else {
        result.faults.push_back(std::move(*f));
      }
    }
  } else if (faults) {
    top.fail("faults", "expected an array");
  }

  if (!top.done()) {
    return std::nullopt;
  }
  return result;
}

std::optional<scenario> load_scenario(const std::string& path, std::string& what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    what = "cannot read scenario file " + path;
    return std::nullopt;
  }

  std::ostringstream text;
  text << file.rdbuf();
  return parse_scenario(text.str(), what);
}

}  // namespace gatehouse::testgw
