// Discord's object shapes as Boost.JSON values: user, member, channel, guild, message. The one
// place the test gateway decides which fields an object carries (gateway-spec.md §11).
#pragma once

#include "testgw/world.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace gatehouse::testgw::shapes {

// A snowflake as JSON carries it: a decimal string (§0).
boost::json::string id(snowflake value);

// The public user object: id, username, discriminator "0", global_name, avatar, bot when true.
boost::json::object user(const user_info& u);

// A guild member; with `user` nested unless the event carries the user beside it.
boost::json::object member(const user_info& u, snowflake guild_id, bool with_user);

// A guild or DM channel.
boost::json::object channel(const channel_info& c, std::size_t position);

// GUILD_CREATE's `d`: the guild object plus the GUILD_CREATE-only fields (§11). `members` are
// the ones to list; `with_presences` adds an online presence for each listed human.
boost::json::object guild_create(const guild_info& g, const std::vector<const user_info*>& members,
                                 bool with_presences);

// The message object. `for_gateway` adds guild_id, channel_type and member (MESSAGE_CREATE);
// `with_content` false gives the emptied form of §7.4.
boost::json::object message(const world& w, const channel_info& c, const user_info& author,
                            const message_spec& m, bool for_gateway, bool with_content);

// TYPING_START's `d`: a guild typing carries guild_id and the member with its user.
boost::json::object typing_start(const channel_info& c, const user_info& u,
                                 std::uint64_t unix_seconds);

// PRESENCE_UPDATE's `d` for a member of a guild, with one activity.
boost::json::object presence_update(snowflake guild_id, const user_info& u, std::string_view status,
                                    std::string_view activity, std::uint64_t unix_ms);

}  // namespace gatehouse::testgw::shapes
