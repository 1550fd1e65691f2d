// Event lines and exit codes for the command line.
#include "cli/output.hpp"

#include <simdjson.h>
#include <spdlog/fmt/fmt.h>

#include <ctime>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "rest/rest_error.hpp"

namespace gatehouse::cli {

namespace od = simdjson::ondemand;

exit_code exit_code_for(const shards::manager_event& fatal) {
  switch (fatal.close_code) {
    case 4004:
      return exit_code::authentication;
    case 4013:
    case 4014:
      return exit_code::intents;
    case 4010:
    case 4011:
      return exit_code::sharding;
    case 4012:
      return exit_code::api_version;
    default:
      break;
  }
  if (fatal.reason == rest::rest_error::unauthorized) {
    return exit_code::authentication;  // §9.6: 401 means the token was rejected
  }
  if (fatal.reason == error_condition_kind::configuration ||
      fatal.reason == rest::rest_error::invalid_url ||
      fatal.reason == rest::rest_error::invalid_token) {
    return exit_code::configuration;
  }

  return exit_code::failure;
}

std::string exit_code_help(std::string_view success) {
  return "exit codes:\n"
         "  0  " +
         std::string(success) +
         "\n"
         "  1  another failure (doctor: network, TLS or REST unreachable; run: REST refused a\n"
         "     request for a reason other than the token)\n"
         "  2  configuration (flags, token format, intent names, a token on the command line)\n"
         "  3  authentication (close 4004, or REST 401): the token was rejected\n"
         "  4  intents (close 4013 invalid, 4014 disallowed): fix --intents or the portal\n"
         "  5  sharding (close 4010 invalid shard, 4011 sharding required)\n"
         "  6  API version (close 4012)\n";
}

namespace {

// The string at `key` of an object, or empty; snowflakes may also be numbers (§0).
std::string text_field(od::object& o, std::string_view key) {
  auto v = o.find_field_unordered(key);
  if (v.error()) {
    return {};
  }
  std::string_view s;
  if (!v.get_string().get(s)) {
    return std::string(s);
  }
  std::uint64_t n = 0;
  if (!v.get_uint64().get(n)) {
    return std::to_string(n);
  }
  return {};
}

}  // namespace

dispatch_fields read_fields(std::string_view event_name, std::string_view d) {
  dispatch_fields f;
  thread_local od::parser parser;
  const simdjson::padded_string copy(d);
  auto doc = parser.iterate(copy);
  od::object o;
  if (doc.get_object().get(o)) {
    return f;
  }

  // A guild's own events carry it as `id`; the rest as `guild_id`.
  if (event_name.starts_with("GUILD_CREATE") || event_name == "GUILD_UPDATE") {
    const auto id = text_field(o, "id");
    const auto name = text_field(o, "name");
    f.guild = name.empty() ? id : name + " (" + id + ")";
    return f;
  }
  f.guild = text_field(o, "guild_id");
  f.channel = text_field(o, "channel_id");
  f.content = text_field(o, "content");
  auto author = o.find_field_unordered("author");
  od::object a;
  if (!author.error() && !author.get_object().get(a)) {
    f.author = text_field(a, "username");
  }

  return f;
}

std::string shorten(std::string_view text, std::size_t max) {
  std::string out;
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    len = std::min(len, text.size() - i);
    if (points == max) {
      out += "…";
      return out;
    }
    if (c < 0x20 || c == 0x7F) {
      out += ' ';  // one event, one line: newlines and tabs become spaces
    } else {
      out.append(text.substr(i, len));
    }
    ++points;
    i += len;
  }
  return out;
}

std::string clock_time(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);

  return fmt::format("{:02}:{:02}:{:02}.{:03}", utc.tm_hour, utc.tm_min, utc.tm_sec,
                     ms.count() % 1000);
}

std::string format_dispatch(std::chrono::system_clock::time_point t, std::uint32_t shard,
                            std::string_view name, std::uint64_t sequence,
                            const dispatch_fields& fields) {
  std::string line = fmt::format("{} shard={} {} s={}", clock_time(t), shard, name, sequence);
  if (!fields.guild.empty()) {
    line += " guild=" + shorten(fields.guild, 40);
  }
  if (!fields.channel.empty()) {
    line += " channel=" + fields.channel;
  }
  if (!fields.author.empty()) {
    line += " author=" + shorten(fields.author, 32);
  }
  if (!fields.content.empty()) {
    line += " \"" + shorten(fields.content, 60) + "\"";
  }
  return line;
}

std::string format_lifecycle(std::chrono::system_clock::time_point t, const lifecycle_event& e) {
  const auto head = fmt::format("{} shard={} ", clock_time(t), e.shard_id);
  switch (e.kind) {
    case lifecycle_kind::connected:
      return head + "connected hello";
    case lifecycle_kind::ready:
      return head + "ready new_session";
    case lifecycle_kind::resumed:
      return head + fmt::format("resumed replayed={}", e.replayed);
    case lifecycle_kind::reconnecting:
      return head + fmt::format("reconnecting close_code={} resume={} delay_ms={} reason=\"{}\"",
                                e.close_code, e.resume, e.delay.count(), e.reason.message());
    case lifecycle_kind::identify_waiting:
      return head + fmt::format("identify_waiting delay_ms={}", e.delay.count());
    case lifecycle_kind::fatal:
      return head + fmt::format("fatal close_code={} {}", e.close_code, e.message);
    case lifecycle_kind::closed:
      return head + fmt::format("closed resumable={}", e.resume);
  }
  return head + "unknown";
}

std::string format_manager_event(std::chrono::system_clock::time_point t,
                                 const shards::manager_event& e) {
  const auto head = clock_time(t) + " manager ";
  switch (e.kind) {
    case shards::manager_event_kind::gateway_fetched:
      return head + fmt::format(
                        "gateway_fetched url={} shards={} max_concurrency={} "
                        "session_starts_remaining={}",
                        e.gateway_url, e.shard_count, e.max_concurrency,
                        e.session_starts_remaining);
    case shards::manager_event_kind::gateway_retrying:
      return head + fmt::format("gateway_retrying delay_ms={} {}", e.delay.count(), e.message);
    case shards::manager_event_kind::starting:
      return head +
             fmt::format("starting shards={} max_concurrency={}", e.shard_count, e.max_concurrency);
    case shards::manager_event_kind::resharding:
      return head + fmt::format("resharding close_code=4011 old_shards={}", e.shard_count);
    case shards::manager_event_kind::fatal:
      return head + fmt::format("fatal close_code={} {}", e.close_code, e.message);
    case shards::manager_event_kind::stopped:
      return head + fmt::format("stopped shards={}", e.shard_count);
  }
  return head + "unknown";
}

}  // namespace gatehouse::cli
