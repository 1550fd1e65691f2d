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

// Discord's layout of a dispatch: {"t":T,"s":S,"op":0,"d":D}, compact and in that order, as the
// gateway writes every one. Read in that shape, the envelope costs a look at its first few dozen
// bytes, and `d` is the rest of the message up to the closing brace: its bytes are checked by
// the application that parses it, not twice. The price: a key after `d` would be taken as part
// of it (Discord sends none). Other opcodes, which are rare and which the core reads itself, and
// anything else (another order, spaces, escapes, unknown keys before `d`) go through the full
// scan, which is also what reports a malformed message.
class layout_reader {
 public:
  explicit layout_reader(std::string_view text) : text_(text) {}

  bool read(envelope& env) {
    return literal(R"({"t":)") && type(env.type) && literal(R"(,"s":)") && sequence(env) &&
           literal(R"(,"op":)") && op(env.op) && env.op == 0 && literal(R"(,"d":)") &&
           data(env.data);
  }

 private:
  bool literal(std::string_view expected) {
    if (!text_.substr(at_).starts_with(expected)) {
      return false;
    }
    at_ += expected.size();
    return true;
  }

  // An event name (§2.1: UPPER_SNAKE_CASE), or null. Nothing that would need unescaping.
  bool type(std::string_view& out) {
    if (literal("null")) {
      return true;
    }
    if (!literal("\"")) {
      return false;
    }
    const std::size_t begin = at_;
    while (at_ < text_.size() && text_[at_] != '"') {
      const char c = text_[at_];
      if (c < 0x20 || c > 0x7e || c == '\\') {
        return false;
      }
      ++at_;
    }
    out = text_.substr(begin, at_ - begin);
    return literal("\"");
  }

  // Up to `digits` decimal digits without a leading zero; false on anything else.
  bool number(std::uint64_t& out, std::size_t digits) {
    const std::size_t begin = at_;
    out = 0;
    while (at_ < text_.size() && at_ - begin < digits && text_[at_] >= '0' && text_[at_] <= '9') {
      out = out * 10 + static_cast<std::uint64_t>(text_[at_] - '0');
      ++at_;
    }
    const std::size_t n = at_ - begin;
    const bool next_is_digit = at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9';
    return n > 0 && !next_is_digit && (n == 1 || text_[begin] != '0');
  }

  bool sequence(envelope& env) {
    if (literal("null")) {
      return true;
    }
    env.has_sequence = number(env.sequence, 18);  // far beyond any session's sequence
    return env.has_sequence;
  }

  bool op(int& out) {
    std::uint64_t value = 0;
    if (!number(value, 5) || value > 0xffff) {
      return false;
    }
    out = static_cast<int>(value);
    return true;
  }

  // The rest up to the final `}`, when its first and last bytes agree on what value it is.
  bool data(std::string_view& out) {
    const std::string_view rest = trim_right(text_.substr(at_));
    if (rest.size() < 2 || rest.back() != '}') {
      return false;
    }
    const std::string_view d = rest.substr(0, rest.size() - 1);
    const char first = d.front();
    const char last = d.back();
    const bool whole =
        (first == '{' && last == '}') || (first == '[' && last == ']') ||
        (first == '"' && last == '"' && d.size() >= 2) || d == "null" || d == "true" ||
        d == "false" ||
        (((first >= '0' && first <= '9') || first == '-') && last >= '0' && last <= '9');
    if (!whole) {
      return false;
    }
    out = d;
    return true;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

envelope envelope_scanner::scan(std::string_view text, std::size_t padding, std::error_code& ec) {
  ec.clear();

  envelope fast;
  if (layout_reader(text).read(fast)) {
    return fast;
  }

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
