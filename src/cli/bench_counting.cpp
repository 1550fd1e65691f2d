// The counting rule's field per event name, and the read that touches it.
#include "cli/bench_counting.hpp"

namespace gatehouse::cli {

counted_field counted_field_for(std::string_view event_name) {
  if (event_name == "MESSAGE_CREATE") {
    return counted_field::content;
  }
  if (event_name == "TYPING_START") {
    return counted_field::user_id;
  }
  if (event_name == "PRESENCE_UPDATE") {
    return counted_field::status;
  }
  if (event_name == "GUILD_CREATE") {
    return counted_field::id;
  }
  return counted_field::none;
}

std::string_view field_key(counted_field f) {
  switch (f) {
    case counted_field::content:
      return "content";
    case counted_field::user_id:
      return "user_id";
    case counted_field::status:
      return "status";
    case counted_field::id:
      return "id";
    case counted_field::none:
      break;
  }
  return {};
}

simdjson::simdjson_result<std::size_t> read_counted_field(simdjson::ondemand::object& d,
                                                          counted_field f) {
  if (f == counted_field::none) {
    return std::size_t{0};
  }

  // Keys come in any order; an unordered lookup costs the same as the peers' property read.
  std::string_view value;
  if (const auto error = d.find_field_unordered(field_key(f)).get_string().get(value)) {
    return error;
  }

  return value.size();
}

}  // namespace gatehouse::cli
