// Readers for Hello, READY and Invalid
// Session (gateway-spec.md §2.2, §3.4, §3.8).
#include "core/inbound.hpp"

#include <simdjson.h>

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

namespace od = simdjson::ondemand;

// These payloads arrive once per connection,
// so a padded copy costs nothing that matters.
struct reader {
  explicit reader(std::string_view d) : text(d) {}

  simdjson::padded_string text;
  od::parser parser;
  od::document doc;
};

}  // namespace

duration read_hello(std::string_view d, std::error_code& ec) {
  ec.clear();
  reader r(d);

  std::uint64_t interval_ms = 0;
  auto err = r.parser.iterate(r.text).get(r.doc);
  if (!err) {
    err = r.doc["heartbeat_interval"].get_uint64().get(interval_ms);
  }
  if (err || interval_ms == 0) {
    ec = error::malformed_message;
    return {};
  }
  return milliseconds(interval_ms);
}

ready_data read_ready(std::string_view d, std::error_code& ec) {
  ec.clear();
  reader r(d);
  ready_data out;

  od::object object;
  auto err = r.parser.iterate(r.text).get(r.doc);
  if (!err) {
    err = r.doc.get_object().get(object);
  }
  if (err) {
    ec = error::malformed_message;
    return {};
  }

  // One pass over the keys: READY is large,
  // and the two we need may come in any order.
  for (auto field : object) {
    od::raw_json_string key;
    od::value value;
    if ((err = field.key().get(key)) || (err = field.value().get(value))) {
      break;
    }

    std::string_view text;
    bool null = false;
    if (key == "session_id") {
      err = value.get_string().get(text);
      out.session_id.assign(text);
    } else if (key == "resume_gateway_url") {
      err = value.is_null().get(null);
      if (!err && !null) {
        err = value.get_string().get(text);
        out.resume_gateway_url.assign(text);
      }
    }
    if (err) {
      break;
    }
  }
  if (err || out.session_id.empty()) {
    ec = error::malformed_message;
    return {};
  }
  return out;
}

bool read_invalid_session(std::string_view d) {
  while (!d.empty() && (d.back() == ' ' || d.back() == '\n' || d.back() == '\r')) {
    d.remove_suffix(1);
  }
  return d == "true";
}

}  // namespace gatehouse::core
