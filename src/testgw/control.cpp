// The loopback-only control endpoint under /control on the main port: faults, the report,
// dispatches and the traffic stream, as JSON over HTTP (routes listed in server.hpp).
#include <cstdlib>

#include <boost/json.hpp>

#include "testgw/server_state.hpp"

namespace gatehouse::testgw {

namespace json = boost::json;

namespace {

rest_response json_answer(unsigned status, json::value body) {
  return {status, {}, json::serialize(body)};
}

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
      return json_answer(400, json::object{{"message", "body is not json"}});
    }
    std::vector<fault> faults;
    auto add = [&](const json::value& v) -> std::optional<rest_response> {
      std::string what;
      auto f = parse_fault(v, what);
      if (!f) {
        return json_answer(400, json::object{{"message", what}});
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

  // POST /control/dispatch {"t": "NAME", "d": {...}, "guild_id": "..."}.
  if (path == "/control/dispatch" && method == "POST") {
    json::value doc;
    if (!body(doc) || !doc.is_object() || !doc.as_object().contains("t") ||
        !doc.as_object().at("t").is_string()) {
      return json_answer(400, json::object{{"message", "dispatch needs t and d"}});
    }
    world_event event;
    event.name = std::string(doc.as_object().at("t").get_string());
    const json::value* d = doc.as_object().if_contains("d");
    event.d = d ? json::serialize(*d) : "null";
    if (const json::value* g = doc.as_object().if_contains("guild_id"); g && g->is_string()) {
      event.guild_id = std::strtoull(g->get_string().c_str(), nullptr, 10);
    }
    route(event);
    return json_answer(200, json::object{{"dispatched", true}});
  }

  // Traffic: POST starts {"count":n,"events_per_second":r,"seed":s}, DELETE stops, GET reads.
  if (path == "/control/traffic") {
    if (method == "POST") {
      json::value doc;
      if (!body(doc) || !doc.is_object()) {
        return json_answer(400, json::object{{"message", "traffic needs a json object"}});
      }
      traffic_run run;
      const auto& o = doc.as_object();
      if (auto v = o.if_contains("count"); v && v->is_number()) {
        run.count = v->to_number<std::uint64_t>();
      }
      if (auto v = o.if_contains("events_per_second"); v && v->is_number()) {
        run.generator.events_per_second = v->to_number<double>();
      }
      if (auto v = o.if_contains("seed"); v && v->is_number()) {
        run.generator.seed = v->to_number<std::uint64_t>();
      }
      start_traffic(run);
    } else if (method == "DELETE") {
      stop_traffic();
    }
    return json_answer(200, to_json(traffic()));
  }

  return json_answer(404, json::object{{"message", "unknown control route"}});
}

}  // namespace gatehouse::testgw
