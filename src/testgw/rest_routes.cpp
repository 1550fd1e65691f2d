// Matches a request to its route, checks the token, applies faults, the global limit and the
// route's bucket, then answers with Discord's bodies and headers (gateway-spec.md §9).
#include "testgw/rest_routes.hpp"

#include "testgw/json_shapes.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

namespace gatehouse::testgw {

namespace json = boost::json;

namespace {

constexpr std::string_view api_prefix = "/api/v10";
constexpr std::int64_t discord_epoch_ms = 1'420'070'400'000;  // §0

struct route_pattern {
  std::string_view method;
  std::string_view path;  // "{id}" matches one segment
  bool needs_auth;
  bool global_exempt;  // §9.5: interaction endpoints are exempt from the global limit
};

constexpr std::array<route_pattern, 7> routes = {{
    {"GET", "/gateway", false, false},
    {"GET", "/gateway/bot", true, false},
    {"GET", "/users/@me", true, false},
    {"GET", "/applications/@me", true, false},
    {"POST", "/channels/{id}/messages", true, false},
    {"PUT", "/applications/{id}/commands", true, false},
    {"POST", "/interactions/{id}/{id}/callback", false, true},
}};

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    const auto end = path.find('/');
    parts.push_back(path.substr(0, end));
    path = end == std::string_view::npos ? std::string_view{} : path.substr(end);
  }
  return parts;
}

// The path matches the pattern; the first {id} is the top-level resource (§9.3).
bool matches(std::string_view pattern, std::string_view path, std::string_view& top_id) {
  const auto want = split_path(pattern);
  const auto have = split_path(path);
  if (want.size() != have.size()) {
    return false;
  }

  top_id = {};
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "{id}") {
      if (have[i].empty()) {
        return false;
      }
      if (top_id.empty()) {
        top_id = have[i];
      }
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  return true;
}

// The path under /api/v10 without its query, or nullopt outside it.
std::optional<std::string_view> api_path(std::string_view target) {
  target = target.substr(0, target.find('?'));
  if (target.substr(0, api_prefix.size()) != api_prefix) {
    return std::nullopt;
  }
  target.remove_prefix(api_prefix.size());
  if (!target.empty() && target.back() == '/') {
    target.remove_suffix(1);
  }
  return target;
}

rest_response json_response(unsigned status, const json::value& body) {
  return {status, {}, json::serialize(body)};
}

// Discord's plain error body, {"message": "...", "code": n} (§9.6).
rest_response error_response(unsigned status, std::string_view message, int code) {
  return json_response(status, {{"message", message}, {"code", code}});
}

// 50035 with one field error, the shape Discord nests under `errors`.
rest_response form_error(std::string_view field, std::string_view code, std::string_view message) {
  json::object error{{"code", code}, {"message", message}};
  json::object errors{{field, {{"_errors", json::array{error}}}}};

  return json_response(400,
                       {{"message", "Invalid Form Body"}, {"code", 50035}, {"errors", errors}});
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

// A stable opaque bucket id per route, as Discord hands out (§9.3).
std::string bucket_id(std::string_view route) {
  std::uint64_t hash = 1469598103934665603ull;
  for (char c : route) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  char text[20];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

rest_response too_many(double retry_after, bool global, std::string_view scope) {
  auto response = json_response(429, {{"message", "You are being rate limited."},
                                      {"retry_after", retry_after},
                                      {"global", global}});

  // §9.3: Retry-After in whole seconds beside the exact retry_after.
  response.headers.emplace_back("Retry-After",
                                std::to_string(static_cast<long>(std::ceil(retry_after))));
  response.headers.emplace_back("X-RateLimit-Scope", std::string(scope));
  if (global) {
    response.headers.emplace_back("X-RateLimit-Global", "true");
  }
  return response;
}

bool is_json(std::string_view content_type) {
  return content_type.substr(0, content_type.find(';')) == "application/json";
}

// The body as a JSON value, or the 400 Discord answers: a wrong Content-Type is a form error
// (§9.1), unparsable text is 50109.
std::optional<json::value> parse_body(const rest_request& request, rest_response& refusal) {
  if (!is_json(request.content_type)) {
    refusal = form_error("content_type", "CONTENT_TYPE_INVALID",
                         "Expected \"Content-Type\" header to be one of "
                         "{'application/json', 'multipart/form-data', "
                         "'application/x-www-form-urlencoded'}.");
    return std::nullopt;
  }

  boost::system::error_code ec;
  auto body = json::parse(request.body, ec);
  if (ec) {
    refusal = error_response(400, "The request body contains invalid JSON.", 50109);
    return std::nullopt;
  }
  return body;
}

// Puts what the request sent, beyond the text, into a rendered message.
std::string with_posted_fields(const std::string& rendered, const json::object& body) {
  auto message = json::parse(rendered).as_object();
  for (auto field : {"embeds", "components", "nonce", "tts"}) {
    if (const auto* value = body.if_contains(field)) {
      message[field] = *value;
    }
  }

  // A reply is type 19 and names the message it answers (§9.2).
  if (const auto* reference = body.if_contains("message_reference");
      reference && reference->is_object()) {
    message["type"] = 19;
    json::object ref{{"type", 0}, {"channel_id", message["channel_id"]}};
    if (const auto* id = reference->as_object().if_contains("message_id")) {
      ref["message_id"] = *id;
    }
    message["message_reference"] = std::move(ref);
  }
  return json::serialize(message);
}

}  // namespace

rest_routes::rest_routes(const world& w, rest_options options)
    : world_(w), options_(std::move(options)) {
  // Discord's message bucket: 5 per 5 s per channel.
  options_.limits.try_emplace("POST /channels/{id}/messages",
                              route_limit{5, std::chrono::milliseconds{5000}});
}

void rest_routes::on_gateway_bot(std::function<gateway_bot_info()> provider) {
  gateway_bot_ = std::move(provider);
}

void rest_routes::on_message_created(std::function<void(const world_event&)> hook) {
  message_hook_ = std::move(hook);
}

void rest_routes::inject(rest_fault fault) {
  faults_.push_back(std::move(fault));
}

std::optional<std::string> rest_routes::route_key(std::string_view method,
                                                  std::string_view target) {
  const auto path = api_path(target);
  if (!path) {
    return std::nullopt;
  }

  std::string_view top_id;
  for (const auto& route : routes) {
    if (route.method == method && matches(route.path, *path, top_id)) {
      return std::string(route.method) + " " + std::string(route.path);
    }
  }
  return std::nullopt;
}

rest_response rest_routes::handle(const rest_request& request, clock::time_point now,
                                  wall_clock::time_point wall) {
  ++requests_;
  wall_ = wall;

  // Find the route; a known path with another method is 405.
  const auto path = api_path(request.target);
  const route_pattern* route = nullptr;
  bool path_known = false;
  std::string_view top_id;
  for (const auto& candidate : routes) {
    if (path && matches(candidate.path, *path, top_id)) {
      path_known = true;
      if (candidate.method == request.method) {
        route = &candidate;
        break;
      }
    }
  }
  if (!route) {
    return path_known ? error_response(405, "405: Method Not Allowed", 0)
                      : error_response(404, "404: Not Found", 0);
  }
  const auto key = std::string(route->method) + " " + std::string(route->path);

  // Exactly "Bot <token>": no other scheme, no doubled prefix, no whitespace (§9.1, G02).
  if (route->needs_auth && request.authorization != "Bot " + options_.token) {
    ++unauthorized_;

    return error_response(401, "401: Unauthorized", 0);
  }

  // Injected faults come first, in the order they were queued.
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->route.empty() && it->route != key) {
      continue;
    }
    const auto fault = *it;
    if (--it->count == 0) {
      faults_.erase(it);
    }
    if (fault.status == 429) {
      ++rate_limited_;

      return too_many(fault.retry_after, fault.global, fault.global ? "global" : "user");
    }
    const auto text = std::to_string(fault.status) +
                      (fault.status == 502 ? ": Bad Gateway" : ": Internal Server Error");
    return error_response(fault.status, text, 0);
  }

  // The global limit, a fixed one-second window (§9.5).
  if (!route->global_exempt) {
    if (now >= global_reset_at_) {
      global_used_ = 0;
      global_reset_at_ = now + std::chrono::seconds(1);
    }
    if (global_used_ >= options_.global_per_second) {
      ++rate_limited_;
      const std::chrono::duration<double> wait = global_reset_at_ - now;

      return too_many(wait.count(), true, "global");
    }
    ++global_used_;
  }

  // The route's bucket, per top-level resource (§9.3).
  const auto limit_it = options_.limits.find(key);
  const auto limit = limit_it == options_.limits.end() ? options_.default_limit : limit_it->second;
  auto& b = buckets_[key + " " + std::string(top_id)];
  if (now >= b.reset_at) {
    b.remaining = limit.limit;
    b.reset_at = now + limit.window;
  }
  const std::chrono::duration<double> reset_after = b.reset_at - now;
  if (b.remaining == 0) {
    ++rate_limited_;
    auto response = too_many(reset_after.count(), false, "user");
    response.headers.emplace_back("X-RateLimit-Bucket", bucket_id(key));

    return response;
  }
  --b.remaining;

  auto response = answer(request, key, *path);
  const std::chrono::duration<double> epoch = wall.time_since_epoch();
  response.headers.emplace_back("X-RateLimit-Limit", std::to_string(limit.limit));
  response.headers.emplace_back("X-RateLimit-Remaining", std::to_string(b.remaining));
  response.headers.emplace_back("X-RateLimit-Reset",
                                seconds_text(epoch.count() + reset_after.count()));
  response.headers.emplace_back("X-RateLimit-Reset-After", seconds_text(reset_after.count()));
  response.headers.emplace_back("X-RateLimit-Bucket", bucket_id(key));
  return response;
}

rest_response rest_routes::answer(const rest_request& request, std::string_view route,
                                  std::string_view path) {
  const auto segments = split_path(path);

  if (route == "GET /gateway") {
    const auto info = gateway_bot_ ? gateway_bot_() : gateway_bot_info{};
    return json_response(200, {{"url", info.url}});
  }
  if (route == "GET /gateway/bot") {
    return gateway_bot();
  }
  if (route == "GET /users/@me") {
    return {200, {}, world_.bot_user_json()};
  }
  if (route == "GET /applications/@me") {
    return {200, {}, world_.application_json()};
  }
  if (route == "POST /channels/{id}/messages") {
    return post_message(segments[1], request);
  }
  if (route == "PUT /applications/{id}/commands") {
    return put_commands(segments[1], request);
  }

  // POST /interactions/{id}/{token}/callback: a response needs a type (§9.2).
  rest_response refusal;
  const auto body = parse_body(request, refusal);
  if (!body) {
    return refusal;
  }
  if (!body->is_object() || !body->as_object().contains("type")) {
    return form_error("type", "BASE_TYPE_REQUIRED", "This field is required");
  }
  return {204, {}, {}};
}

rest_response rest_routes::gateway_bot() const {
  const auto info = gateway_bot_ ? gateway_bot_() : gateway_bot_info{};
  json::object limit{{"total", info.total},
                     {"remaining", info.remaining},
                     {"reset_after", info.reset_after_ms},
                     {"max_concurrency", info.max_concurrency}};

  return json_response(
      200, {{"url", info.url}, {"shards", info.shards}, {"session_start_limit", limit}});
}

snowflake rest_routes::mint_id() {
  using std::chrono::milliseconds;
  const auto unix_ms = std::chrono::duration_cast<milliseconds>(wall_.time_since_epoch()).count();
  const auto ms = static_cast<std::uint64_t>(std::max<std::int64_t>(unix_ms - discord_epoch_ms, 0));

  return make_snowflake(ms, static_cast<std::uint32_t>(next_id_++));
}

rest_response rest_routes::post_message(std::string_view channel_id, const rest_request& request) {
  const auto id = parse_snowflake(channel_id);
  const auto* channel = id ? world_.find_channel(*id) : nullptr;
  if (!channel) {
    return error_response(404, "Unknown Channel", 10003);
  }
  if (channel->type != 0 && channel->type != 1) {
    return error_response(400, "Cannot send messages in a non-text channel", 50008);
  }

  rest_response refusal;
  const auto parsed = parse_body(request, refusal);
  if (!parsed) {
    return refusal;
  }
  if (!parsed->is_object()) {
    return form_error("_root", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
  }
  const auto& body = parsed->as_object();

  // The text, at most 2000 characters; some content is required (§9.2).
  std::string content;
  if (const auto* value = body.if_contains("content"); value && !value->is_null()) {
    if (!value->is_string()) {
      return form_error("content", "BASE_TYPE_STRING", "Must be a string.");
    }
    content = value->as_string();
  }
  if (content.size() > 2000) {
    return form_error("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.");
  }
  const auto has = [&](const char* field) {
    const auto* value = body.if_contains(field);
    return value && value->is_array() && !value->as_array().empty();
  };
  if (content.empty() && !has("embeds") && !has("components") && !has("sticker_ids") &&
      !body.contains("poll")) {
    return error_response(400, "Cannot send an empty message", 50006);
  }

  // The bot is the author.
  message_spec m;
  m.id = mint_id();
  m.channel_id = channel->id;
  m.author_id = world_.bot().id;
  m.content = std::move(content);

  auto event = message_create(world_, m);
  event.d = with_posted_fields(event.d, body);
  if (message_hook_) {
    message_hook_(event);
  }
  return {200, {}, with_posted_fields(render_message(world_, m, false), body)};
}

rest_response rest_routes::put_commands(std::string_view application_id,
                                        const rest_request& request) {
  if (parse_snowflake(application_id) != world_.application().id) {
    return error_response(403, "Missing Access", 50001);
  }

  rest_response refusal;
  const auto parsed = parse_body(request, refusal);
  if (!parsed) {
    return refusal;
  }
  if (!parsed->is_array()) {
    return form_error("_root", "BASE_TYPE_ARRAY", "Must be an array.");
  }

  // Bulk overwrite: every command gets an id and the defaults Discord fills in.
  json::array commands;
  for (const auto& item : parsed->as_array()) {
    const auto* name = item.is_object() ? item.as_object().if_contains("name") : nullptr;
    if (!name || !name->is_string() || name->as_string().empty() || name->as_string().size() > 32) {
      return form_error("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
    }

    auto command = item.as_object();
    const auto id = mint_id();
    command["id"] = shapes::id(id);
    command["application_id"] = shapes::id(world_.application().id);
    command["version"] = shapes::id(id);
    command.emplace("type", 1);
    command.emplace("description", "");
    command.emplace("default_member_permissions", nullptr);
    command.emplace("nsfw", false);
    command.emplace("integration_types", json::array{0});
    command.emplace("contexts", nullptr);
    commands.push_back(std::move(command));
  }
  return json_response(200, commands);
}

}  // namespace gatehouse::testgw
