// The protocol side of one test-gateway connection.
//
// Theory of operation: a connection is opened (upgrade done), says Hello, then waits for
// identify or resume while accepting heartbeats. An accepted identify creates a session and
// sends READY and GUILD_CREATEs; an accepted resume replays what the session missed, then
// RESUMED. From then on dispatches flow. Every client payload passes the rules of
// gateway_rules.hpp first; the first rule broken closes the connection with its code.
//
//   opened --Hello--> hello_sent --identify/resume ok--> authenticated --READY/RESUMED--> ready
//   any state --rule broken / fault / heartbeat deadline--> closing --> finished
#include "testgw/gateway_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "core/close_code.hpp"
#include "testgw/frames.hpp"
#include "testgw/server_state.hpp"

namespace gatehouse::testgw {
namespace {

namespace json = boost::json;
using core::close_code;

constexpr auto code_of(close_code c) {
  return static_cast<std::uint16_t>(c);
}

// A query parameter's value, or empty.
std::string query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) {
      return eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1));
    }
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return {};
}

}  // namespace

connection_query parse_query(std::string_view target) {
  connection_query q;
  auto mark = target.find('?');
  if (mark == std::string_view::npos) {
    return q;
  }
  std::string_view query = target.substr(mark + 1);
  q.raw = std::string(query.substr(0, 200));
  q.version = query_value(query, "v");
  q.encoding = query_value(query, "encoding");
  q.compress = query_value(query, "compress");

  return q;
}

gateway_connection::gateway_connection(test_gateway::state& state,
                                       boost::asio::any_io_executor executor, bool resume_listener,
                                       connection_query query)
    : state_(state),
      keep_alive_(state.shared_from_this()),
      resume_listener_(resume_listener),
      query_(std::move(query)),
      record_(state.open_record(resume_listener, query_.raw)),
      send_window_(state.options().send_limit, state.options().send_window),
      heartbeat_timer_(executor),
      delay_timer_(executor) {}

gateway_connection::~gateway_connection() = default;

double gateway_connection::now_ms() const {
  return state_.ms_since_start(clock::now());
}

void gateway_connection::begin() {
  state_.connection_started(shared_from_this());

  // The query decides the protocol before anything is sent (§1.4).
  if (query_.version != "10" && query_.version != "9") {
    close_with(code_of(close_code::invalid_api_version), "api version " + query_.version, true);
    return;
  }
  if (!query_.encoding.empty() && query_.encoding != "json") {
    // ETF is Discord's other encoding; this gateway speaks JSON only and says so.
    close_with(1003, "encoding " + query_.encoding + " is not supported, use json", true);
    return;
  }
  auto kind = compression_from_query(query_.compress);
  if (!kind) {
    close_with(1003, "compress " + query_.compress + " is not supported", true);
    return;
  }
  compressor_ = std::make_unique<compressor>(*kind);

  // Listener faults: the resume listener may reset the connection right after the upgrade.
  if (resume_listener_ && state_.take_listener_fault(fault_kind::reset_resume)) {
    record_->add_fault(fault_kind_name(fault_kind::reset_resume));
    drop(true, "reset_resume fault");
    return;
  }
  if (const fault* f = state_.lasting(fault_kind::fragment_frames, *this)) {
    set_fragment_size(f->fragment_size);
  }
  if (const fault* f = state_.lasting(fault_kind::go_silent, *this)) {
    go_silent(f->lasting);
    return;
  }

  // Hello, now or after a staged delay (§3.1).
  const fault* delay = state_.lasting(fault_kind::delay_hello, *this);
  if (delay == nullptr || delay->delay.count() == 0) {
    send_hello();
    return;
  }
  record_->add_fault(fault_kind_name(fault_kind::delay_hello));
  delay_timer_.expires_after(delay->delay);
  delay_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) {
      self->send_hello();
    }
  });
}

void gateway_connection::send_hello() {
  if (finished_ || closing_ || silent_) {
    return;
  }
  send_frame(hello_frame(state_.options().heartbeat_interval));
  hello_sent_ = true;
  arm_heartbeat_deadline();
}

void gateway_connection::arm_heartbeat_deadline() {
  const auto& o = state_.options();
  heartbeat_timer_.expires_after(o.heartbeat_interval + o.heartbeat_grace);
  heartbeat_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->finished_ || self->closing_ || self->silent_) {
      return;
    }
    // No heartbeat within interval plus grace: the session timed out (§3.2, §4 4009).
    self->close_with(code_of(close_code::session_timed_out), "no heartbeat in time", true);
  });
}

void gateway_connection::on_message(std::string_view text, bool binary) {
  if (finished_ || closing_ || silent_) {
    return;
  }

  // The send limit counts every payload, valid or not (§5.1).
  if (!send_window_.admit(clock::now())) {
    close_with(code_of(close_code::rate_limited), "more than the send limit", true);
    return;
  }

  auto decoded = decode_payload(text, binary, state_.options().max_payload);
  if (auto* broken = std::get_if<rule_violation>(&decoded)) {
    close_with(broken->code, std::move(broken->what), true);
    return;
  }
  auto& payload = std::get<client_payload>(decoded);
  ++record_->received_by_opcode[payload.op];

  if (auto broken = check_order(payload.op, authenticated_)) {
    close_with(broken->code, std::move(broken->what), true);
    return;
  }

  switch (payload.op) {
    case 1:
      on_heartbeat(payload.d);
      break;
    case 2:
      on_identify(payload.d);
      break;
    case 6:
      on_resume(payload.d);
      break;
    default:
      break;  // commands are counted; the world does not answer them
  }
}

void gateway_connection::on_heartbeat(const json::value& d) {
  if (auto broken = check_heartbeat(d)) {
    close_with(broken->code, std::move(broken->what), true);
    return;
  }
  record_->add_heartbeat(now_ms(), d);
  arm_heartbeat_deadline();

  // Stricter than Discord, which does not say: a sequence the session never reached is
  // recorded, not closed on (§3.2: d is the last sequence received).
  if (gateway_session* s = session_id().empty() ? nullptr : state_.find_session(session_id())) {
    if (d.is_number() && d.to_number<std::uint64_t>() > s->sequence()) {
      record_->add_violation({0, "none", "heartbeat sequence ahead of the session", now_ms()});
    }
  }

  // ACK every heartbeat (§3.2) unless a fault withholds or delays it.
  if (const fault* f = state_.lasting(fault_kind::withhold_acks, *this)) {
    record_->add_fault(fault_kind_name(f->kind));
    return;
  }
  const fault* delay = state_.lasting(fault_kind::delay_acks, *this);
  if (delay == nullptr || delay->delay.count() == 0) {
    send_ack();
    return;
  }
  record_->add_fault(fault_kind_name(delay->kind));
  auto timer = std::make_shared<boost::asio::steady_timer>(heartbeat_timer_.get_executor());
  timer->expires_after(delay->delay);
  timer->async_wait([self = shared_from_this(), timer](boost::system::error_code ec) {
    if (!ec) {
      self->send_ack();
    }
  });
}

void gateway_connection::send_ack() {
  if (finished_ || closing_ || silent_) {
    return;
  }
  send_frame(heartbeat_ack_frame());
  ++record_->acks_sent;
}

void gateway_connection::on_identify(const json::value& d) {
  ++record_->identifies;
  auto checked = check_identify(d, state_.options().token, state_.enabled_privileged());
  if (auto* broken = std::get_if<rule_violation>(&checked)) {
    close_with(broken->code, std::move(broken->what), true);
    return;
  }
  auto identity = std::get<identify_request>(checked);
  shard_ = static_cast<int>(identity.shard_id);

  // Too many guilds for one shard (§6: 4011).
  if (state_.content().is_sharding_required(identity.shard_id, identity.num_shards)) {
    close_with(code_of(close_code::sharding_required), "too many guilds on one shard", true);
    return;
  }

  // The identify limits answer with op 9 false and leave the socket open (§5.2, §5.3).
  switch (state_.try_identify(identity.shard_id)) {
    case identify_verdict::concurrency:
      invalid_session("identify within the bucket's window");
      return;
    case identify_verdict::budget:
      invalid_session("session start limit exhausted");
      return;
    case identify_verdict::allowed:
      break;
  }
  authenticated_ = true;

  // READY, now or after a staged delay.
  const fault* delay = state_.lasting(fault_kind::delay_ready, *this);
  if (delay == nullptr || delay->delay.count() == 0) {
    send_ready(identity);
    return;
  }
  record_->add_fault(fault_kind_name(delay->kind));
  delay_timer_.expires_after(delay->delay);
  delay_timer_.async_wait([self = shared_from_this(), identity](boost::system::error_code ec) {
    if (!ec && !self->finished_ && !self->closing_) {
      self->send_ready(identity);
    }
  });
}

void gateway_connection::invalid_session(std::string what) {
  record_->add_violation({0, "invalid_session", std::move(what), now_ms()});
  send_frame(invalid_session_frame(false));
}

void gateway_connection::send_ready(const identify_request& identity) {
  gateway_session& session = state_.create_session(identity, shared_from_this());
  record_->session_id = session.id();

  // READY first (§3.4), then a GUILD_CREATE per guild of the shard (§3.1 step 7).
  ready_info info{session.id(), state_.resume_url(), std::nullopt, identity.num_shards};
  if (identity.has_shard) {
    info.shard_id = identity.shard_id;
  }
  ready_ = true;
  state_.route_to(session, "READY", state_.content().ready_d(info));
  for (const guild_info* guild :
       state_.content().guilds_on_shard(identity.shard_id, identity.num_shards)) {
    world_event event = state_.content().guild_create(*guild, identity.intents);
    if (is_delivered(event, identity.shard_id, identity.num_shards, identity.intents)) {
      state_.route_to(session, event.name, payload_for(event, identity.intents));
    }
  }
  spdlog::debug("testgw ready connection={} session={} shard={}/{}", id(), session.id(),
                identity.shard_id, identity.num_shards);

  // Bench mode: the pre-rendered body follows the last GUILD_CREATE, whatever the intents.
  if (state_.options().bench_events > 0) {
    send_bench_body(session);
  }
}

void gateway_connection::send_bench_body(gateway_session& session) {
  if (finished_ || closing_ || silent_) {
    return;
  }
  const auto kind = compressor_->kind();
  auto body = state_.bench_body_for(kind, session.sequence() + 1);

  // The live context ends its segment in front of the body's first message, so that the
  // body's own context follows it and the live one resumes after it (bench_stream.hpp).
  std::string prefix;
  compressor_->end_segment(prefix);
  std::string first = frame_with_prefix(prefix, body->first_payload(), kind);

  session.skip(body->events);
  record_->dispatches_sent += body->events;
  record_->bench = bench_record{body->events};
  const auto events = body->events;
  write_body(std::move(body), std::move(first));
  spdlog::debug("testgw bench body queued connection={} events={}", id(), events);

  // The marker the ordinary way, behind the body in the one write queue.
  state_.route_to(session, "BENCH_DONE", R"({"events":)" + std::to_string(events) + "}");
}

void gateway_connection::on_resume(const json::value& d) {
  ++record_->resumes;
  auto checked = check_resume(d, state_.options().token);
  if (auto* broken = std::get_if<rule_violation>(&checked)) {
    close_with(broken->code, std::move(broken->what), true);
    return;
  }
  auto request = std::get<resume_request>(checked);

  resume_verdict verdict = state_.check_resume(request.session_id, request.seq);
  if (verdict != resume_verdict::ok) {
    refuse_resume(verdict);
    return;
  }

  // Replay everything after seq with the original sequences, then RESUMED (§3.6).
  gateway_session* session = state_.resume_session(request.session_id, shared_from_this());
  record_->session_id = session->id();
  shard_ = static_cast<int>(session->identity().shard_id);
  authenticated_ = true;
  auto frames = session->frames_after(request.seq);
  for (const auto& frame : frames) {
    deliver(frame);
  }
  ready_ = true;
  state_.route_to(*session, "RESUMED", R"({"_trace":["[\"gatehouse-testgw\"]"]})");
  spdlog::debug("testgw resumed connection={} session={} replayed={}", id(), session->id(),
                frames.size());
}

void gateway_connection::refuse_resume(resume_verdict verdict) {
  std::string what = "resume of ";
  what += verdict == resume_verdict::bad_sequence ? "a sequence it cannot replay"
          : verdict == resume_verdict::timed_out  ? "a timed-out session"
                                                  : "an unknown session";
  if (state_.options().refuse_resume_with == resume_refusal::invalid_session) {
    invalid_session(std::move(what));  // §3.6 step 7
    return;
  }

  // §3.6: a bad seq or unknown session brings 4007, a timed-out session 4009.
  auto code = verdict == resume_verdict::timed_out ? close_code::session_timed_out
                                                   : close_code::invalid_seq;
  close_with(code_of(code), std::move(what), true);
}

void gateway_connection::deliver(const frame_ptr& frame) {
  ++record_->dispatches_sent;

  // Uncompressed, the session's frame goes out as it is, shared with the replay buffer.
  if (compressor_ != nullptr && compressor_->kind() == compression::none && !finished_ &&
      !closing_ && !silent_) {
    write_message(frame, false);
    return;
  }
  send_frame(*frame);
}

void gateway_connection::send_frame(std::string_view frame) {
  if (finished_ || closing_ || silent_) {
    return;
  }
  if (compressor_ == nullptr || compressor_->kind() == compression::none) {
    write_message(std::make_shared<const std::string>(frame), false);
    return;
  }

  // Compressed data goes in binary messages (§8.1).
  compressor_->compress(frame, compressed_);
  const fault* split = compressor_->kind() == compression::zlib_stream
                           ? state_.lasting(fault_kind::split_messages, *this)
                           : nullptr;
  if (split == nullptr || compressed_.size() < 2) {
    write_message(std::make_shared<const std::string>(std::move(compressed_)), true);
    return;
  }

  // One gateway message as several WebSocket messages; only the last ends the flush (§8.3).
  std::size_t parts =
      std::min<std::size_t>(static_cast<std::size_t>(split->parts), compressed_.size());
  std::size_t step = compressed_.size() / parts;
  for (std::size_t i = 0, at = 0; i < parts; ++i) {
    std::size_t n = i + 1 == parts ? compressed_.size() - at : step;
    write_message(std::make_shared<const std::string>(compressed_.substr(at, n)), true);
    at += n;
  }
}

void gateway_connection::close_with(std::uint16_t code, std::string what, bool is_violation) {
  if (finished_ || closing_) {
    return;
  }
  if (is_violation) {
    spdlog::info("testgw violation connection={} code={} what=\"{}\"", id(), code, what);
    record_->add_violation({code, "close", what, now_ms()});
  }
  closing_ = true;
  heartbeat_timer_.cancel();
  delay_timer_.cancel();
  state_.connection_finished(*this, code, false);
  record_->close_code = code;
  record_->closed_by = "server";

  // Discord's close reasons are short; a WebSocket reason must fit in 123 bytes.
  start_close(code, std::string_view(what).substr(0, 120));
}

void gateway_connection::drop(bool reset, std::string_view why) {
  if (finished_) {
    return;
  }
  spdlog::debug("testgw drop connection={} reset={} why=\"{}\"", id(), reset, why);
  if (!closing_) {
    state_.connection_finished(*this, 0, false);
    record_->closed_by = "drop";
  }
  closing_ = true;
  heartbeat_timer_.cancel();
  delay_timer_.cancel();
  finish();
  drop_socket(reset);
}

void gateway_connection::on_transport_end(std::uint16_t code, bool by_client,
                                          std::string violation) {
  if (finished_) {
    return;
  }
  if (!violation.empty()) {
    record_->add_violation({code, "close", std::move(violation), now_ms()});
  }
  if (!closing_) {
    state_.connection_finished(*this, code, by_client);
    record_->close_code = code;
    record_->closed_by = by_client ? "client" : "drop";
  }
  heartbeat_timer_.cancel();
  delay_timer_.cancel();
  finish();
}

void gateway_connection::finish() {
  finished_ = true;
  record_->closed_ms = now_ms();
}

void gateway_connection::go_silent(std::chrono::milliseconds lasting) {
  record_->add_fault(fault_kind_name(fault_kind::go_silent));
  silent_ = true;
  heartbeat_timer_.cancel();
  stop_reading();

  // Silence ends in a drop, so that a silent connection cannot outlive the test (G05).
  delay_timer_.expires_after(lasting.count() > 0 ? lasting : std::chrono::minutes(2));
  delay_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) {
      self->drop(false, "silence ended");
    }
  });
}

void gateway_connection::apply(const fault& f) {
  if (finished_ || closing_) {
    return;
  }
  switch (f.kind) {
    case fault_kind::reconnect:
      send_frame(reconnect_frame());  // §3.7
      break;
    case fault_kind::invalid_session:
      send_frame(invalid_session_frame(f.resumable));  // §3.8
      if (!f.resumable && !session_id().empty()) {
        if (gateway_session* s = state_.find_session(session_id())) {
          s->end(false);
        }
      }
      break;
    case fault_kind::heartbeat_request:
      send_frame(heartbeat_request_frame());  // §3.2
      break;
    case fault_kind::close:
      record_->add_fault(fault_kind_name(f.kind));
      close_with(f.code, f.reason, false);
      return;
    case fault_kind::drop:
      record_->add_fault(fault_kind_name(f.kind));
      drop(false, "drop fault");
      return;
    case fault_kind::go_silent:
      go_silent(f.lasting);
      return;
    case fault_kind::fragment_frames:
      set_fragment_size(f.fragment_size);
      break;
    default:
      break;  // the rest are consulted when they matter
  }
  record_->add_fault(fault_kind_name(f.kind));
}

}  // namespace gatehouse::testgw
