// The loopback-only control endpoint under /control on the main port: faults, the report,
// dispatches and the traffic stream, as JSON over HTTP (routes listed in server.hpp).
#include <algorithm>
#include <array>
#include <cstdlib>

#include <boost/json.hpp>

#include "testgw/scenario.hpp"
#include "testgw/server_state.hpp"

namespace gatehouse::testgw {

namespace json = boost::json;

namespace {

rest_response json_answer(unsigned status, json::value body) {
  return {status, {}, json::serialize(body)};
}

rest_response refusal(std::string_view message) {
  return json_answer(400, json::object{{"message", message}});
}

// A dispatch name as Discord writes them, "MESSAGE_CREATE": capitals, digits and underscores,
// starting with a capital.
bool is_dispatch_name(std::string_view name) {
  const auto is_name_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  return !name.empty() && name.front() >= 'A' && name.front() <= 'Z' &&
         std::all_of(name.begin(), name.end(), is_name_char);
}

// The traffic fields a client may post. The rest of a scenario's traffic section (the pool and
// the large guild's size) stays the operator's: a large value there takes the memory it names.
constexpr std::array<std::string_view, 3> posted_traffic_fields{"count", "events_per_second",
                                                                "seed"};

}  // namespace

rest_response test_gateway::state::handle_control(const rest_request& request) {
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  const std::string& method = request.method;

  auto body = [&](json::value& out) -> bool {
    std::error_code ec;
    out = json::parse(request.body, ec);
    return !ec;
  };

  // POST /control/faults: one fault object or an array of them, applied now.
  if (path == "/control/faults" && method == "POST") {
    json::value doc;
    if (!body(doc)) {
      return refusal("body is not json");
    }
    std::vector<fault> faults;
    auto add = [&](const json::value& v) -> std::optional<rest_response> {
      std::string what;
      auto f = parse_fault(v, what);
      if (!f) {
        return refusal(what);
      }
      faults.push_back(std::move(*f));
      return std::nullopt;
    };
    if (doc.is_array()) {
      for (const auto& v : doc.as_array()) {
        if (auto bad = add(v)) {
          return *bad;
        }
      }
    } else if (auto bad = add(doc)) {
      return *bad;
    }
    for (const auto& f : faults) {
      inject(f);
    }
    return json_answer(200, json::object{{"applied", faults.size()}});
  }
  if (path == "/control/faults" && method == "DELETE") {
    clear_faults();
    return {204, {}, {}};
  }
  if (path == "/control/report" && method == "GET") {
    return json_answer(200, report());
  }
  if (path.starts_with("/control/sessions/") && method == "GET") {
    auto r = session_report(path.substr(std::string_view("/control/sessions/").size()));
    if (r.is_null()) {
      return json_answer(404, json::object{{"message", "unknown session"}});
    }
    return json_answer(200, r);
  }

  // POST /control/dispatch {"t": "NAME", "d": {...}, "guild_id": "..."}: every dispatch the
  // gateway sends has a name and an object as d, so one without them tests nothing.
  if (path == "/control/dispatch" && method == "POST") {
    json::value doc;
    const json::object* o = body(doc) ? doc.if_object() : nullptr;
    const json::value* t = o ? o->if_contains("t") : nullptr;
    const json::value* d = o ? o->if_contains("d") : nullptr;
    if (!t || !t->is_string() || !is_dispatch_name(t->get_string()) || !d || !d->is_object()) {
      return refusal("dispatch needs t, a name such as MESSAGE_CREATE, and d, an object");
    }
    world_event event;
    event.name = std::string(t->get_string());
    event.d = json::serialize(*d);
    if (const json::value* g = o->if_contains("guild_id"); g && g->is_string()) {
      const auto id = parse_snowflake(g->get_string());
      if (!id) {
        return refusal("guild_id must be a snowflake: decimal digits");
      }
      event.guild_id = *id;
    }
    route(event);
    return json_answer(200, json::object{{"dispatched", true}});
  }

  // Traffic: POST starts {"count":n,"events_per_second":r,"seed":s}, DELETE stops, GET reads.
  if (path == "/control/traffic") {
    if (method == "POST") {
      json::value doc;
      if (!body(doc) || !doc.is_object()) {
        return refusal("traffic needs a json object");
      }
      for (const auto& field : doc.as_object()) {
        if (std::ranges::find(posted_traffic_fields, std::string_view(field.key())) ==
            posted_traffic_fields.end()) {
          return refusal("traffic takes count, events_per_second and seed, not " +
                         std::string(field.key()));
        }
      }
      std::string what;
      const auto run = parse_traffic(doc, what);
      if (!run) {
        return refusal(what);
      }
      start_traffic(*run);
    } else if (method == "DELETE") {
      stop_traffic();
    }
    return json_answer(200, to_json(traffic()));
  }

  return json_answer(404, json::object{{"message", "unknown control route"}});
}

}  // namespace gatehouse::testgw
