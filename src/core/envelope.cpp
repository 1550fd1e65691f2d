// Scanning the gateway envelope with simdjson On-Demand (gateway-spec.md §2.1).
#include "core/envelope.hpp"

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

namespace od = simdjson::ondemand;

std::string_view trim_right(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The raw text of any JSON value, consuming it so that the iteration can go on.
simdjson::error_code raw_value(od::value v, std::string_view& out) {
  od::json_type type;
  if (auto err = v.type().get(type)) {
    return err;
  }
  switch (type) {
    case od::json_type::object: {
      od::object o;
      if (auto err = v.get_object().get(o)) {
        return err;
      }
      return o.raw_json().get(out);
    }
    case od::json_type::array: {
      od::array a;
      if (auto err = v.get_array().get(a)) {
        return err;
      }
      return a.raw_json().get(out);
    }
    default:
      // A scalar's token keeps the spaces that follow it.
      out = trim_right(v.raw_json_token());
      return simdjson::SUCCESS;
  }
}

simdjson::error_code read_fields(od::object object, envelope& env) {
  for (auto field : object) {
    od::raw_json_string key;
    if (auto err = field.key().get(key)) {
      return err;
    }
    od::value value;
    if (auto err = field.value().get(value)) {
      return err;
    }

    if (key == "op") {
      std::int64_t op = 0;
      if (auto err = value.get_int64().get(op)) {
        return err;
      }
      if (op < 0 || op > 0xffff) {
        return simdjson::NUMBER_OUT_OF_RANGE;
      }
      env.op = static_cast<int>(op);
    } else if (key == "s") {
      bool null = false;
      if (auto err = value.is_null().get(null)) {
        return err;
      }
      if (!null) {
        if (auto err = value.get_uint64().get(env.sequence)) {
          return err;
        }
        env.has_sequence = true;
      }
    } else if (key == "t") {
      bool null = false;
      if (auto err = value.is_null().get(null)) {
        return err;
      }
      if (!null) {
        if (auto err = value.get_string().get(env.type)) {
          return err;
        }
      }
    } else if (key == "d") {
      if (auto err = raw_value(value, env.data)) {
        return err;
      }
    }
    // Unknown keys are skipped by the iteration (§0).
  }
  return simdjson::SUCCESS;
}

}  // namespace

envelope envelope_scanner::scan(std::string_view text, std::size_t padding, std::error_code& ec) {
  ec.clear();

  // Copy only when the caller's buffer does not leave simdjson its padding.
  simdjson::padded_string_view input;
  if (padding >= simdjson::SIMDJSON_PADDING) {
    input = simdjson::padded_string_view(text.data(), text.size(), text.size() + padding);
  } else {
    padded_.assign(text);
    padded_.resize(text.size() + simdjson::SIMDJSON_PADDING);
    input = simdjson::padded_string_view(padded_.data(), text.size(), padded_.size());
  }

  envelope env;
  env.data = "null";
  od::document doc;
  od::object object;
  auto err = parser_.iterate(input).get(doc);
  if (!err) {
    err = doc.get_object().get(object);
  }
  if (!err) {
    err = read_fields(object, env);
  }
  if (!err && doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    err = simdjson::TRAILING_CONTENT;  // one message is one JSON object
  }
  if (err || env.op < 0) {
    ec = error::malformed_message;
    return {};
  }
  return env;
}

}  // namespace gatehouse::core
