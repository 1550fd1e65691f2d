// What READY creates and resume continues: the session id, the last sequence and the URL to
// resume on (gateway-spec.md §3.4, §3.6).
#pragma once

#include <cstdint>
#include <string>

namespace gatehouse::core {

struct session_state {
  std::string session_id;
  std::uint64_t sequence = 0;  // the last dispatch sequence delivered; 0 before any
  std::string resume_url;      // READY's resume_gateway_url, without query

  bool can_resume() const { return !session_id.empty(); }
};

}  // namespace gatehouse::core
