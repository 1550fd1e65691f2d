// Route templates and top-level resources (§9.3).
#include "rest/route.hpp"

#include <algorithm>
#include <vector>

namespace gatehouse::rest {
namespace {

bool is_snowflake(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> split_path(std::string_view path) {
  path = path.substr(0, path.find_first_of("?#"));
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    if (slash != 0) {
      out.push_back(path.substr(0, slash));
    }
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

route make_route(std::string_view method, std::string_view path) {
  const auto segments = split_path(path);
  route r;
  r.key.assign(method);
  r.key += ' ';
  if (segments.empty()) {
    r.key += '/';
  }

  const std::string_view top = segments.empty() ? std::string_view{} : segments.front();
  const bool has_major = top == "channels" || top == "guilds" || top == "webhooks";
  r.is_interaction = top == "interactions";

  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string_view seg = segments[i];
    const std::string_view prev = i > 0 ? segments[i - 1] : std::string_view{};
    r.key += '/';

    // The top-level id, and a webhook's token with it (§9.3).
    if (i == 1 && has_major) {
      r.major.assign(seg);
      r.key += ":major";
    } else if (i == 2 && (top == "webhooks" || top == "interactions")) {
      if (top == "webhooks") {
        r.major += '/';
        r.major.append(seg);
      }
      r.key += ":token";
    } else if (prev == "reactions") {
      // One emoji's route shares its bucket with every other emoji's.
      r.key += ":emoji";
    } else if (is_snowflake(seg)) {
      r.key += ":id";
    } else {
      r.key.append(seg);
    }
  }
  return r;
}

}  // namespace gatehouse::rest
