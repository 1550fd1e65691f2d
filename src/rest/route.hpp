// A REST request's identity for rate limiting: the route template that maps to a bucket, and the
// top-level resource that splits one bucket into independent counters (§9.3).
#pragma once

#include <string>
#include <string_view>

namespace gatehouse::rest {

struct route {
  // Method and path template, ids and tokens replaced: "POST /channels/:id/messages". Also what
  // the client logs, because a webhook or interaction path carries a secret token.
  std::string key;

  // The top-level resource: a channel or guild id, or a webhook's id and token; empty when the
  // route has none. Two channels never share a counter even on the same bucket (§9.3).
  std::string major;

  // Interaction routes are exempt from the global limit (§9.5).
  bool is_interaction = false;
};

// Classifies `path`, relative to the API base ("/channels/1/messages?limit=5"); the query is
// ignored. `method` is the upper-case HTTP method.
route make_route(std::string_view method, std::string_view path);

}  // namespace gatehouse::rest
