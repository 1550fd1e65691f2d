#include "rest/route.hpp"

#include <gtest/gtest.h>

namespace gatehouse::rest {
namespace {

TEST(route_test, top_level_id_is_kept_apart_from_the_key) {
  const route r = make_route("POST", "/channels/290926798999357250/messages");
  EXPECT_EQ(r.key, "POST /channels/:major/messages");
  EXPECT_EQ(r.major, "290926798999357250");
}

TEST(route_test, other_ids_are_replaced) {
  const route r = make_route("PATCH", "/channels/1/messages/1090079689072201819");
  EXPECT_EQ(r.key, "PATCH /channels/:major/messages/:id");
}

TEST(route_test, query_is_ignored) {
  EXPECT_EQ(make_route("GET", "/channels/1/messages?limit=5").key,
            make_route("GET", "/channels/1/messages").key);
}

TEST(route_test, route_without_top_level_resource_has_no_major) {
  const route r = make_route("GET", "/gateway/bot");
  EXPECT_EQ(r.key, "GET /gateway/bot");
  EXPECT_TRUE(r.major.empty());
}

TEST(route_test, webhook_id_and_token_form_the_major_and_the_token_is_hidden) {
  const route r = make_route("POST", "/webhooks/123/secret-token-not-real");
  EXPECT_EQ(r.major, "123/secret-token-not-real");
  EXPECT_EQ(r.key, "POST /webhooks/:major/:token");
}

TEST(route_test, interaction_routes_are_flagged_and_hide_their_token) {
  const route r = make_route("POST", "/interactions/123/secret-token-not-real/callback");
  EXPECT_TRUE(r.is_interaction);
  EXPECT_EQ(r.key, "POST /interactions/:id/:token/callback");
}

TEST(route_test, reaction_emoji_is_replaced) {
  EXPECT_EQ(make_route("PUT", "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me").key,
            make_route("PUT", "/channels/1/messages/3/reactions/custom:4/@me").key);
}

TEST(route_test, different_channels_share_the_key) {
  EXPECT_EQ(make_route("GET", "/channels/1").key, make_route("GET", "/channels/2").key);
}

}  // namespace
}  // namespace gatehouse::rest
