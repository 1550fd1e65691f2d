// The benchmark's counting rule: which field of a dispatch's `d` every client reads, so that
// gatehouse and the peers do the same work per event (one string field, or none).
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string_view>

namespace gatehouse::cli {

enum class counted_field { none, content, user_id, status, id };

// MESSAGE_CREATE → content, TYPING_START → user_id, PRESENCE_UPDATE → status,
// GUILD_CREATE → id; any other event → none.
counted_field counted_field_for(std::string_view event_name);

// The key in `d`: "content", "user_id", "status", "id"; empty for none.
std::string_view field_key(counted_field f);

// Reads the field from a dispatch's `d` as a string and gives its length; 0 for none.
// Fails with simdjson's error when the field is absent or not a string.
simdjson::simdjson_result<std::size_t> read_counted_field(simdjson::ondemand::object& d,
                                                          counted_field f);

}  // namespace gatehouse::cli
