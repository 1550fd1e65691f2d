// The per-connection and per-session report the test gateway keeps: what each client sent,
// what rules it broke, its identifies, resumes and heartbeat timing, and the faults staged on
// it. Tests read it as JSON; every list is capped so a flood cannot grow it without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace gatehouse::testgw {

struct violation_record {
  std::uint16_t code = 0;  // the close code, or 0 when answered another way
  std::string reply;       // "close", "invalid_session", "drop"
  std::string what;
  double at_ms = 0;
};

struct heartbeat_record {
  double at_ms = 0;
  boost::json::value d;  // the sequence the client sent, or null
};

// The bench body as one connection wrote it (bench_stream.hpp): its first write started at
// first_byte_ms, its last completed write ended at last_write_ms (-1: none yet).
struct bench_record {
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;  // written so far
  double first_byte_ms = -1;
  double last_write_ms = -1;
  bool complete = false;  // every byte written; false when a close or drop cut it short
};

// {"events", "bytes", "seconds", "complete"}: seconds from the first byte to the last write.
boost::json::value to_json(const bench_record& b);

struct connection_record {
  std::uint64_t id = 0;
  std::string listener;  // "main" or "resume"
  std::string query;     // v, encoding and compress as the client sent them
  double opened_ms = 0;
  double closed_ms = -1;  // -1 while open
  std::string session_id;
  std::map<int, std::uint64_t> received_by_opcode;
  std::vector<violation_record> violations;
  std::vector<heartbeat_record> heartbeats;
  std::vector<std::string> faults;  // kinds applied, in order
  std::uint64_t identifies = 0;
  std::uint64_t resumes = 0;
  std::uint64_t acks_sent = 0;
  std::uint64_t dispatches_sent = 0;
  std::uint16_t close_code = 0;  // 0: dropped with no close frame, or still open
  std::string closed_by;         // "client", "server", "drop"; empty while open
  std::optional<bench_record> bench;

  static constexpr std::size_t max_entries = 1000;

  void add_violation(violation_record v);
  void add_heartbeat(double at_ms, boost::json::value d);
  void add_fault(std::string_view kind);
};

boost::json::value to_json(const connection_record& c);

}  // namespace gatehouse::testgw
