// Tests of the REST subset: the token check, routes, Discord's bodies, buckets, the global
// limit and injected faults, all on a fake clock.
#include "testgw/rest_routes.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace gatehouse::testgw {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* token = "test-token-not-real.abc.def";
const std::string auth = std::string("Bot ") + token;

class rest_routes_test : public ::testing::Test {
 protected:
  rest_routes_test() : routes_(world_, options()) {}

  static rest_options options() {
    rest_options o;
    o.token = token;
    return o;
  }

  rest_response call(std::string method, std::string target, std::string body = {},
                     std::string authorization = auth) {
    rest_request r{std::move(method), std::move(target), std::move(authorization),
                   "application/json", std::move(body)};
    return routes_.handle(r, now_, wall_);
  }

  std::string channel() const { return std::to_string(world_.guilds()[0].channels[0].id); }

  static std::string header(const rest_response& r, std::string_view name) {
    for (const auto& [key, value] : r.headers) {
      if (key == name) {
        return value;
      }
    }
    return "<absent>";
  }

  static json::object body(const rest_response& r) { return json::parse(r.body).as_object(); }

  world world_;
  rest_routes routes_;
  rest_routes::clock::time_point now_ = rest_routes::clock::time_point{} + 1h;
  rest_routes::wall_clock::time_point wall_ = rest_routes::wall_clock::from_time_t(1'800'000'000);
};

TEST_F(rest_routes_test, accepts_exactly_bot_and_the_token) {
  EXPECT_EQ(call("GET", "/api/v10/users/@me").status, 200u);
}

TEST_F(rest_routes_test, case_g02_rejects_a_doubled_bot_prefix) {
  const auto r = call("GET", "/api/v10/gateway/bot", {}, "Bot " + auth);

  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(body(r), (json::object{{"message", "401: Unauthorized"}, {"code", 0}}));
}

TEST_F(rest_routes_test, rejects_the_bare_token_and_other_schemes) {
  EXPECT_EQ(call("GET", "/api/v10/users/@me", {}, token).status, 401u);
  EXPECT_EQ(call("GET", "/api/v10/users/@me", {}, std::string("Bearer ") + token).status, 401u);
  EXPECT_EQ(call("GET", "/api/v10/users/@me", {}, "").status, 401u);
  EXPECT_EQ(routes_.unauthorized(), 3u);
}

TEST_F(rest_routes_test, case_g03_rejects_a_token_with_trailing_whitespace) {
  EXPECT_EQ(call("GET", "/api/v10/users/@me", {}, auth + "\n").status, 401u);
  EXPECT_EQ(call("GET", "/api/v10/users/@me", {}, auth + " ").status, 401u);
}

TEST_F(rest_routes_test, gateway_needs_no_token) {
  routes_.on_gateway_bot([] { return gateway_bot_info{.url = "ws://127.0.0.1:1"}; });
  const auto r = call("GET", "/api/v10/gateway", {}, "");

  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(body(r), (json::object{{"url", "ws://127.0.0.1:1"}}));
}

TEST_F(rest_routes_test, gateway_bot_reports_the_gateways_values) {
  routes_.on_gateway_bot([] { return gateway_bot_info{"ws://127.0.0.1:5", 3, 1000, 7, 1234, 4}; });
  const auto b = body(call("GET", "/api/v10/gateway/bot"));

  EXPECT_EQ(b.at("url").as_string(), "ws://127.0.0.1:5");
  EXPECT_EQ(b.at("shards").as_int64(), 3);
  const auto& limit = b.at("session_start_limit");
  EXPECT_EQ(limit.at("total").as_int64(), 1000);
  EXPECT_EQ(limit.at("remaining").as_int64(), 7);
  EXPECT_EQ(limit.at("reset_after").as_int64(), 1234);
  EXPECT_EQ(limit.at("max_concurrency").as_int64(), 4);
}

TEST_F(rest_routes_test, users_me_is_the_bot_user) {
  const auto b = body(call("GET", "/api/v10/users/@me"));

  EXPECT_EQ(b.at("id").as_string(), std::to_string(world_.bot().id));
  EXPECT_TRUE(b.at("bot").as_bool());
}

TEST_F(rest_routes_test, applications_me_carries_the_flags) {
  const auto b = body(call("GET", "/api/v10/applications/@me"));

  EXPECT_EQ(b.at("id").as_string(), std::to_string(world_.application().id));
  EXPECT_EQ(b.at("flags").as_int64(), world_.application().flags);
}

TEST_F(rest_routes_test, unknown_route_is_404) {
  EXPECT_EQ(call("GET", "/api/v10/guilds/1").status, 404u);
  EXPECT_EQ(call("GET", "/api/v9/users/@me").status, 404u);
}

TEST_F(rest_routes_test, known_route_with_another_method_is_405) {
  EXPECT_EQ(call("DELETE", "/api/v10/users/@me").status, 405u);
}

TEST_F(rest_routes_test, query_and_trailing_slash_do_not_change_the_route) {
  EXPECT_EQ(call("GET", "/api/v10/users/@me/?with=1").status, 200u);
}

TEST_F(rest_routes_test, names_route_keys_with_placeholders) {
  EXPECT_EQ(rest_routes::route_key("POST", "/api/v10/channels/42/messages"),
            "POST /channels/{id}/messages");
  EXPECT_EQ(rest_routes::route_key("GET", "/gateway"), std::nullopt);
}

TEST_F(rest_routes_test, answers_with_rate_limit_headers_that_count_down) {
  const auto first = call("GET", "/api/v10/users/@me");
  now_ += 1s;
  const auto second = call("GET", "/api/v10/users/@me");

  EXPECT_EQ(header(first, "X-RateLimit-Limit"), "5");
  EXPECT_EQ(header(first, "X-RateLimit-Remaining"), "4");
  EXPECT_EQ(header(first, "X-RateLimit-Reset-After"), "5.000");
  EXPECT_EQ(header(first, "X-RateLimit-Reset"), "1800000005.000");
  EXPECT_EQ(header(second, "X-RateLimit-Remaining"), "3");
  EXPECT_EQ(header(second, "X-RateLimit-Reset-After"), "4.000");
  EXPECT_EQ(header(first, "X-RateLimit-Bucket"), header(second, "X-RateLimit-Bucket"));
}

TEST_F(rest_routes_test, exhausted_bucket_gives_discords_429) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(call("GET", "/api/v10/users/@me").status, 200u);
  }
  now_ += 1500ms;
  const auto r = call("GET", "/api/v10/users/@me");

  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(body(r).at("message").as_string(), "You are being rate limited.");
  EXPECT_DOUBLE_EQ(body(r).at("retry_after").as_double(), 3.5);
  EXPECT_FALSE(body(r).at("global").as_bool());
  EXPECT_EQ(header(r, "Retry-After"), "4");
  EXPECT_EQ(header(r, "X-RateLimit-Scope"), "user");
  EXPECT_EQ(header(r, "X-RateLimit-Global"), "<absent>");
  EXPECT_EQ(routes_.rate_limited(), 1u);
}

TEST_F(rest_routes_test, bucket_refills_after_its_window) {
  for (int i = 0; i < 6; ++i) {
    call("GET", "/api/v10/users/@me");
  }
  now_ += 5s;

  EXPECT_EQ(call("GET", "/api/v10/users/@me").status, 200u);
}

TEST_F(rest_routes_test, message_buckets_are_per_channel) {
  const auto other = std::to_string(world_.guilds()[1].channels[0].id);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(
        call("POST", "/api/v10/channels/" + channel() + "/messages", R"({"content":"x"})").status,
        200u);
  }

  EXPECT_EQ(
      call("POST", "/api/v10/channels/" + channel() + "/messages", R"({"content":"x"})").status,
      429u);
  EXPECT_EQ(call("POST", "/api/v10/channels/" + other + "/messages", R"({"content":"x"})").status,
            200u);
}

TEST_F(rest_routes_test, global_limit_gives_a_global_429) {
  rest_options o = options();
  o.global_per_second = 3;
  o.default_limit = {100, 1s};
  rest_routes routes(world_, o);
  rest_request r{"GET", "/api/v10/users/@me", auth, "", ""};
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(routes.handle(r, now_, wall_).status, 200u);
  }

  const auto refused = routes.handle(r, now_ + 250ms, wall_);
  EXPECT_EQ(refused.status, 429u);
  EXPECT_TRUE(body(refused).at("global").as_bool());
  EXPECT_EQ(header(refused, "X-RateLimit-Global"), "true");
  EXPECT_EQ(header(refused, "X-RateLimit-Scope"), "global");
  EXPECT_EQ(routes.handle(r, now_ + 1s, wall_).status, 200u);
}

TEST_F(rest_routes_test, interaction_callbacks_need_no_token_and_skip_the_global_limit) {
  rest_options o = options();
  o.global_per_second = 1;
  rest_routes routes(world_, o);
  routes.handle({"GET", "/api/v10/users/@me", auth, "", ""}, now_, wall_);

  const auto r = routes.handle(
      {"POST", "/api/v10/interactions/1/tok/callback", "", "application/json", R"({"type":4})"},
      now_, wall_);
  EXPECT_EQ(r.status, 204u);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(rest_routes_test, interaction_callback_without_type_is_a_form_error) {
  const auto r = call("POST", "/api/v10/interactions/1/tok/callback", "{}", "");

  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(body(r).at("code").as_int64(), 50035);
}

TEST_F(rest_routes_test, injected_429_answers_count_requests_then_stops) {
  routes_.inject({"GET /gateway/bot", 429, 2, 2.5, true});

  const auto r = call("GET", "/api/v10/gateway/bot");
  EXPECT_EQ(r.status, 429u);
  EXPECT_DOUBLE_EQ(body(r).at("retry_after").as_double(), 2.5);
  EXPECT_TRUE(body(r).at("global").as_bool());
  EXPECT_EQ(call("GET", "/api/v10/users/@me").status, 200u);
  EXPECT_EQ(call("GET", "/api/v10/gateway/bot").status, 429u);
  EXPECT_EQ(call("GET", "/api/v10/gateway/bot").status, 200u);
}

TEST_F(rest_routes_test, injected_502_without_route_hits_any_route) {
  routes_.inject({"", 502, 1});
  const auto r = call("GET", "/api/v10/users/@me");

  EXPECT_EQ(r.status, 502u);
  EXPECT_EQ(body(r).at("message").as_string(), "502: Bad Gateway");
  EXPECT_EQ(call("GET", "/api/v10/users/@me").status, 200u);
}

TEST_F(rest_routes_test, post_message_answers_the_message_and_dispatches_it) {
  std::vector<world_event> dispatched;
  routes_.on_message_created([&](const world_event& e) { dispatched.push_back(e); });
  const auto r = call("POST", "/api/v10/channels/" + channel() + "/messages",
                      R"({"content":"pong","nonce":"n1"})");

  ASSERT_EQ(r.status, 200u);
  const auto b = body(r);
  EXPECT_EQ(b.at("content").as_string(), "pong");
  EXPECT_EQ(b.at("channel_id").as_string(), channel());
  EXPECT_EQ(b.at("author").at("id").as_string(), std::to_string(world_.bot().id));
  EXPECT_EQ(b.at("nonce").as_string(), "n1");
  EXPECT_FALSE(b.contains("member"));

  ASSERT_EQ(dispatched.size(), 1u);
  EXPECT_EQ(dispatched[0].name, "MESSAGE_CREATE");
  EXPECT_EQ(dispatched[0].guild_id, world_.guilds()[0].id);
  const auto d = json::parse(dispatched[0].d).as_object();
  EXPECT_EQ(d.at("id"), b.at("id"));
  EXPECT_EQ(d.at("content").as_string(), "pong");
}

TEST_F(rest_routes_test, posted_message_id_carries_the_wall_time) {
  const auto b =
      body(call("POST", "/api/v10/channels/" + channel() + "/messages", R"({"content":"pong"})"));

  const auto id = std::stoull(std::string(b.at("id").as_string()));
  EXPECT_EQ((id >> 22) + 1'420'070'400'000ull, 1'800'000'000'000ull);
  EXPECT_EQ(b.at("timestamp").as_string(), "2027-01-15T08:00:00.000000+00:00");
}

TEST_F(rest_routes_test, reply_is_type_19_with_a_reference) {
  const auto b = body(call("POST", "/api/v10/channels/" + channel() + "/messages",
                           R"({"content":"pong","message_reference":{"message_id":"77"}})"));

  EXPECT_EQ(b.at("type").as_int64(), 19);
  EXPECT_EQ(b.at("message_reference").at("message_id").as_string(), "77");
}

TEST_F(rest_routes_test, post_message_to_unknown_channel_is_10003) {
  const auto r = call("POST", "/api/v10/channels/999/messages", R"({"content":"x"})");

  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(body(r).at("code").as_int64(), 10003);
}

TEST_F(rest_routes_test, empty_message_is_50006) {
  const auto r = call("POST", "/api/v10/channels/" + channel() + "/messages", R"({"tts":true})");

  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(body(r).at("code").as_int64(), 50006);
}

TEST_F(rest_routes_test, invalid_json_is_50109) {
  const auto r = call("POST", "/api/v10/channels/" + channel() + "/messages", "{\"content\":");

  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(body(r).at("code").as_int64(), 50109);
}

TEST_F(rest_routes_test, wrong_content_type_is_a_form_error) {
  const auto r = routes_.handle({"POST", "/api/v10/channels/" + channel() + "/messages", auth,
                                 "text/plain", R"({"content":"x"})"},
                                now_, wall_);

  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(body(r).at("code").as_int64(), 50035);
}

TEST_F(rest_routes_test, content_over_2000_characters_is_a_form_error) {
  const auto text = std::string(2001, 'a');
  const auto r = call("POST", "/api/v10/channels/" + channel() + "/messages",
                      R"({"content":")" + text + "\"}");

  EXPECT_EQ(r.status, 400u);
  EXPECT_TRUE(body(r).at("errors").as_object().contains("content"));
}

TEST_F(rest_routes_test, put_commands_gives_each_command_an_id) {
  const auto target =
      "/api/v10/applications/" + std::to_string(world_.application().id) + "/commands";
  const auto r = call("PUT", target, R"([{"name":"ping","description":"p"},{"name":"echo"}])");

  ASSERT_EQ(r.status, 200u);
  const auto commands = json::parse(r.body).as_array();
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].at("name").as_string(), "ping");
  EXPECT_EQ(commands[0].at("application_id").as_string(), std::to_string(world_.application().id));
  EXPECT_NE(commands[0].at("id"), commands[1].at("id"));
  EXPECT_EQ(commands[1].at("type").as_int64(), 1);
}

TEST_F(rest_routes_test, put_commands_for_another_application_is_refused) {
  EXPECT_EQ(call("PUT", "/api/v10/applications/5/commands", "[]").status, 403u);
}

TEST_F(rest_routes_test, put_commands_without_a_name_is_a_form_error) {
  const auto target =
      "/api/v10/applications/" + std::to_string(world_.application().id) + "/commands";

  EXPECT_EQ(call("PUT", target, R"([{"description":"p"}])").status, 400u);
}

}  // namespace
}  // namespace gatehouse::testgw
