// Report records and their JSON form.
#include "testgw/report.hpp"

#include <boost/json.hpp>

namespace gatehouse::testgw {

namespace json = boost::json;

void connection_record::add_violation(violation_record v) {
  if (violations.size() < max_entries) {
    violations.push_back(std::move(v));
  }
}

void connection_record::add_heartbeat(double at_ms, json::value d) {
  if (heartbeats.size() < max_entries) {
    heartbeats.push_back({at_ms, std::move(d)});
  }
}

void connection_record::add_fault(std::string_view kind) {
  if (faults.size() < max_entries) {
    faults.emplace_back(kind);
  }
}

json::value to_json(const bench_record& b) {
  const bool timed = b.first_byte_ms >= 0 && b.last_write_ms >= b.first_byte_ms;
  const double seconds = timed ? (b.last_write_ms - b.first_byte_ms) / 1000.0 : 0.0;
  return json::object{
      {"events", b.events}, {"bytes", b.bytes}, {"seconds", seconds}, {"complete", b.complete}};
}

json::value to_json(const connection_record& c) {
  json::object o;
  o["id"] = c.id;
  o["listener"] = c.listener;
  o["query"] = c.query;
  o["opened_ms"] = c.opened_ms;
  o["closed_ms"] = c.closed_ms < 0 ? json::value(nullptr) : json::value(c.closed_ms);
  o["session_id"] = c.session_id.empty() ? json::value(nullptr) : json::value(c.session_id);

  json::object by_op;
  for (const auto& [op, n] : c.received_by_opcode) {
    by_op[std::to_string(op)] = n;
  }
  o["received_by_opcode"] = std::move(by_op);

  json::array violations;
  for (const auto& v : c.violations) {
    violations.push_back(
        json::object{{"code", v.code}, {"reply", v.reply}, {"what", v.what}, {"at_ms", v.at_ms}});
  }
  o["violations"] = std::move(violations);

  json::array beats;
  for (const auto& h : c.heartbeats) {
    beats.push_back(json::object{{"at_ms", h.at_ms}, {"d", h.d}});
  }
  o["heartbeats"] = std::move(beats);

  json::array faults;
  for (const auto& f : c.faults) {
    faults.push_back(json::string(f));
  }
  o["faults"] = std::move(faults);
  o["identifies"] = c.identifies;
  o["resumes"] = c.resumes;
  o["acks_sent"] = c.acks_sent;
  o["dispatches_sent"] = c.dispatches_sent;

  if (c.bench) {
    o["bench"] = to_json(*c.bench);
  }

  if (c.closed_by.empty()) {
    o["close"] = nullptr;
  } else {
    o["close"] = json::object{{"code", c.close_code}, {"by", c.closed_by}};
  }

  return o;
}

}  // namespace gatehouse::testgw
