// The shard state machine: one gateway session's
// logic across reconnects, with no I/O.
//
// Theory of operation. A shard owns at most one connection at a time and a
// session that outlives connections. Every input either moves the current
// connection along (Hello, identify or resume, READY or RESUMED) or ends it;
// ending it always goes through reconnect(), which closes our side when needed,
// counts the failure, decides between resume and identify, and schedules the
// next connection after the backoff. Application commands wait in a queue until
// the session is active, so nothing but heartbeat, identify and resume can ever
// precede READY or RESUMED (4003 is impossible by construction). The heartbeat
// runs from Hello until the connection ends.
//
// Transitions (inputs on the left; "reconnect" means: close ours if open, then
// reconnect_wait or connecting):
//
//   state             input                     next state
//   idle              start                     connecting
//   connecting        handle_open               waiting_hello
//   waiting_hello     Hello, session            resuming (op 6 sent)
//   waiting_hello     Hello, no session         identifying (op 2 sent) or waiting_identify
//   waiting_identify  slot free (timeout)       identifying
//   identifying       READY                     active
//   resuming          RESUMED                   active
//   any open          op 7, op 9, zombied,      reconnect
//                     malformed, hello/ready
//                     timeout
//   any open          close or error            reconnect, or fatal for a fatal close code
//   connecting        error                     reconnect
//   reconnect_wait    timeout                   connecting
//   any               close / close_for_restart closed
#include "core/shard.hpp"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "core/backoff.hpp"
#include "core/close_code.hpp"
#include "core/envelope.hpp"
#include "core/error.hpp"
#include "core/gateway_url.hpp"
#include "core/heartbeat.hpp"
#include "core/inbound.hpp"
#include "core/intents.hpp"
#include "core/payloads.hpp"
#include "core/send_limiter.hpp"

namespace gatehouse::core {
namespace {

// A first-in first-out queue that keeps its storage once drained. The caller
// drains the outputs after every input, so in the steady state pushing and
// popping allocate nothing.
template <class T>
class drain_queue {
 public:
  // Built in place: an event goes straight
  // into its variant without a temporary.
  template <class U>
  void push(U&& value) {
    items_.emplace_back(std::forward<U>(value));
  }

  std::optional<T> pop() {
    if (head_ == items_.size()) {
      return std::nullopt;
    }
    std::optional<T> value(std::move(items_[head_++]));
    if (head_ == items_.size()) {
      clear();
    }
    return value;
  }

  void clear() {
    items_.clear();
    head_ = 0;
  }

  // Calls f on each item not yet popped, newest first.
  template <class F>
  void for_each_newest_first(F f) {
    for (std::size_t i = items_.size(); i > head_; --i) {
      f(items_[i - 1]);
    }
  }

 private:
  std::vector<T> items_;
  std::size_t head_ = 0;
};

struct queued_command {
  opcode op;
  std::string payload;
};

// Why a connection ends, and what the next one must do.
struct reconnect_cause {
  std::error_code reason;
  std::uint16_t close_code = 0;  // the gateway's, 0 when none
  bool close_ours = true;        // the connection is still open on our side
  bool drop_session = false;     // the session cannot be resumed
  duration min_delay{};          // at least this long before the next connection
  bool requested = false;        // the gateway asked for it (op 7): not a failure
};

std::function<double()> make_random(const shard_options& o) {
  if (o.random) {
    return o.random;
  }
  // A fixed seed gives reproducible runs; otherwise each shard draws its own,
  // so shards that dropped together do not reconnect in step.
  const std::uint64_t seed =
      o.random_seed != 0 ? o.random_seed + o.shard_id : std::random_device{}();
  auto engine = std::make_shared<std::mt19937_64>(seed);
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace

std::string_view state_name(shard_state s) {
  switch (s) {
    case shard_state::idle:
      return "idle";
    case shard_state::connecting:
      return "connecting";
    case shard_state::waiting_hello:
      return "waiting_hello";
    case shard_state::waiting_identify:
      return "waiting_identify";
    case shard_state::identifying:
      return "identifying";
    case shard_state::resuming:
      return "resuming";
    case shard_state::active:
      return "active";
    case shard_state::reconnect_wait:
      return "reconnect_wait";
    case shard_state::closed:
      return "closed";
    case shard_state::fatal:
      return "fatal";
  }
  return "unknown";
}

struct shard::impl {
  explicit impl(shard_options o)
      : options(std::move(o)),
        random(make_random(options)),
        identify(options.identify ? options.identify : std::make_shared<identify_queue>()),
        limiter(options.send_limit),
        retry(options.backoff) {}

  shard_options options;
  std::function<double()> random;
  std::shared_ptr<identify_queue> identify;

  shard_state state = shard_state::idle;
  session_state session;
  envelope_scanner scanner;
  heartbeat beat;
  send_limiter limiter;
  backoff retry;

  std::optional<time_point> deadline;          // of the state: Hello, READY, identify, reconnect
  std::optional<time_point> command_deadline;  // when the send window frees a command slot
  time_point active_since{};
  bool has_connection = false;   // requested and not yet ended
  bool attempt_resumes = false;  // the current connection was opened to resume
  std::uint32_t resume_failures = 0;
  std::uint64_t replayed = 0;
  std::optional<duration> latency;  // of the last acknowledged heartbeat

  std::optional<connect_request> connect;
  std::optional<close_request> close;
  drain_queue<outgoing> priority_out;
  drain_queue<outgoing> out;
  drain_queue<event> events;
  std::deque<queued_command> commands;

  bool is_stopped() const { return state == shard_state::closed || state == shard_state::fatal; }

  bool is_open() const {
    return has_connection && state != shard_state::connecting &&
           state != shard_state::reconnect_wait && !is_stopped();
  }

  // --- inputs --------------------------------------------------------------------------------

  void start(time_point now) {
    if (state != shard_state::idle) {
      return;
    }

    // Configuration faults would only come back as
    // fatal close codes; catch them first (G04).
    if (options.token.empty()) {
      return stop_fatal(error::invalid_token, 0, "the bot token is empty; fix: set the token", now);
    }
    if ((options.intents & ~defined_intents) != 0) {
      return stop_fatal(error::undefined_intent_bits, 0,
                        "intents have undefined bits " +
                            intent_names(options.intents & ~defined_intents) +
                            "; fix: request only " + valid_intent_names(),
                        now);
    }
    if (options.shard_id >= options.shard_count) {
      return stop_fatal(error::invalid_shard, 0,
                        "shard id is not below the shard count; fix: use ids 0 to count - 1", now);
    }

    if (options.resume_from.can_resume()) {
      session = options.resume_from;
      session.resume_url = normalize_gateway_base(session.resume_url);
    }
    connect_now(now);
  }

  void handle_open(time_point now) {
    if (state != shard_state::connecting) {
      return;
    }

    // Each connection has its own send window
    // and waits for Hello first (§3.1, §5.1).
    limiter.reset();
    state = shard_state::waiting_hello;
    deadline = now + options.hello_timeout;
  }

  void handle_message(std::string_view text, time_point now, std::size_t padding) {
    if (!is_open()) {
      return;
    }

    std::error_code ec;
    const envelope env = scanner.scan(text, padding, ec);
    if (ec) {
      return reconnect({.reason = ec}, now);
    }

    switch (env.op) {
      case static_cast<int>(opcode::dispatch):
        return on_dispatch(env, now);
      case static_cast<int>(opcode::heartbeat):
        // §3.2: a requested beat goes out at once, without the ACK check.
        send_heartbeat(now);
        return beat.on_requested(now);
      case static_cast<int>(opcode::heartbeat_ack):
        if (auto rtt = beat.on_ack(now)) {
          latency = rtt;
        }
        return;
      case static_cast<int>(opcode::hello):
        return on_hello(env, now);
      case static_cast<int>(opcode::reconnect):
        // §3.7: close with a non-1000 code and resume; before Hello too.
        return reconnect({.reason = error::reconnect_requested, .requested = true}, now);
      case static_cast<int>(opcode::invalid_session):
        return on_invalid_session(read_invalid_session(env.data), now);
      default:
        // §2.2: unknown opcodes are ignored.
        return;
    }
  }

  void handle_close(std::uint16_t code, time_point now) {
    if (!has_connection || is_stopped()) {
      return;
    }

    // §4: one action per close code; unlisted
    // codes and drops without a code resume.
    const close_policy& policy = policy_for(code);
    if (policy.action == close_action::fatal) {
      return stop_fatal(error::fatal_close, code, describe_fatal_close(code, options.intents), now);
    }
    reconnect({.reason = error::connection_closed,
               .close_code = code,
               .close_ours = false,
               .drop_session = policy.action == close_action::new_session},
              now);
  }

  void handle_error(std::error_code ec, time_point now) {
    if (!has_connection || is_stopped()) {
      return;
    }
    reconnect({.reason = ec, .close_ours = false}, now);
  }

  void handle_timeout(time_point now) {
    if (is_stopped()) {
      return;
    }

    switch (beat.poll(now)) {
      case heartbeat::action::zombied:
        // §3.2: no ACK since the last beat; close
        // with a 4000-range code and resume (G05).
        return reconnect({.reason = error::zombied_connection}, now);
      case heartbeat::action::beat:
        send_heartbeat(now);
        beat.on_sent(now);
        break;
      case heartbeat::action::none:
        break;
    }

    if (deadline && now >= *deadline) {
      deadline.reset();
      switch (state) {
        case shard_state::waiting_hello:
          return reconnect({.reason = error::hello_timeout}, now);
        case shard_state::identifying:
        case shard_state::resuming:
          return reconnect({.reason = error::ready_timeout}, now);
        case shard_state::waiting_identify:
          return try_identify(now);
        case shard_state::reconnect_wait:
          return connect_now(now);
        default:
          break;
      }
    }

    if (command_deadline && now >= *command_deadline) {
      flush_commands(now);
    }
  }

  std::error_code send_command(opcode op, std::string_view data, time_point now) {
    if (is_stopped()) {
      return error::shard_stopped;
    }
    std::error_code ec;
    std::string payload = command_payload(op, data, ec);  // G26, §5.4
    if (ec) {
      return ec;
    }

    // G14: only the newest presence matters;
    // one still queued is replaced in place.
    if (op == opcode::presence_update) {
      auto queued = std::find_if(commands.begin(), commands.end(),
                                 [](const auto& c) { return c.op == opcode::presence_update; });
      if (queued != commands.end()) {
        queued->payload = std::move(payload);
        return {};
      }
    }

    if (commands.size() >= options.command_queue_capacity) {
      return error::command_queue_full;
    }
    commands.push_back({op, std::move(payload)});
    flush_commands(now);
    return {};
  }

  void close_shard(std::uint16_t code, bool resumable) {
    if (is_stopped()) {
      return;
    }
    if (has_connection) {
      close = close_request{code, resumable ? "restarting" : "shutting down"};
    }
    end_connection();
    connect.reset();
    commands.clear();
    deadline.reset();
    command_deadline.reset();
    state = shard_state::closed;
    events.push(closed_event{resumable});
  }

  // --- steps ---------------------------------------------------------------------------------

  // Asks for a connection: to the resume URL when a
  // session can be resumed, to the gateway URL otherwise
  // (§3.6, §1.2), with the same query either way (§1.4).
  void connect_now(time_point now) {
    (void)now;
    attempt_resumes = session.can_resume();
    const std::string& base =
        attempt_resumes && !session.resume_url.empty() ? session.resume_url : options.gateway_url;
    connect = connect_request{gateway_url(base, options.api_version, options.compression),
                              attempt_resumes};
    has_connection = true;
    state = shard_state::connecting;
    deadline.reset();
  }

  void on_hello(const envelope& env, time_point now) {
    if (state != shard_state::waiting_hello) {
      return;
    }
    std::error_code ec;
    const duration interval = read_hello(env.data, ec);
    if (ec) {
      return reconnect({.reason = ec}, now);
    }

    // §3.1: the first beat after interval * jitter, then every interval.
    const double jitter = random();
    beat.start(interval, jitter, now);
    events.push(hello_event{interval, *beat.deadline() - now});

    // §3.6: resume when a session exists, identify otherwise.
    if (session.can_resume()) {
      send_reserved(resume_payload(options.token, session.session_id, session.sequence),
                    opcode::resume, now);
      replayed = 0;
      state = shard_state::resuming;
      deadline = now + options.ready_timeout;
      return;
    }
    try_identify(now);
  }

  // §5.2, §5.3: identify only with a free bucket slot and a session start left.
  void try_identify(time_point now) {
    if (!identify->try_acquire(options.shard_id, now)) {
      const time_point until = identify->next_slot(options.shard_id, now);
      state = shard_state::waiting_identify;
      deadline = until;
      events.push(identify_waiting_event{until, identify->is_budget_exhausted(now)});
      return;
    }

    identify_params p;
    p.token = options.token;
    p.intents = options.intents;
    p.os = options.os;
    p.browser = options.library;
    p.device = options.library;
    if (options.send_shard || options.shard_count > 1) {
      p.shard_id = options.shard_id;
      p.shard_count = options.shard_count;
    }
    p.large_threshold = options.large_threshold;
    p.presence = options.presence;

    std::error_code ec;
    std::string payload = identify_payload(p, ec);
    if (ec) {
      return stop_fatal(ec, 0, "the initial presence is not valid JSON; fix: the presence", now);
    }
    send_reserved(std::move(payload), opcode::identify, now);
    state = shard_state::identifying;
    deadline = now + options.ready_timeout;
  }

  void on_dispatch(const envelope& env, time_point now) {
    const bool is_ready = env.type == "READY";
    if (is_ready) {
      session.sequence = 0;  // G07: READY starts a new session and a new sequence
    }

    // Each dispatch once: a replay at or below the
    // last delivered sequence is not delivered.
    bool is_new = true;
    if (env.has_sequence) {
      is_new = env.sequence > session.sequence;
      session.sequence = std::max(session.sequence, env.sequence);  // §3.5: the last `s`
    }

    if (is_ready) {
      return on_ready(env, now);
    }
    if (env.type == "RESUMED") {
      // §3.6: the end of the replay, whatever its sequence.
      events.push(resumed_event{replayed});
      if (is_new) {
        events.push(dispatch_event{env.type, env.sequence, env.data});
      }
      return become_active(now);
    }
    if (!is_new) {
      return;
    }
    if (state == shard_state::resuming) {
      ++replayed;
    }
    events.push(dispatch_event{env.type, env.sequence, env.data});
  }

  void on_ready(const envelope& env, time_point now) {
    std::error_code ec;
    ready_data ready = read_ready(env.data, ec);
    if (ec) {
      return reconnect({.reason = ec}, now);
    }

    // §3.4: keep session_id and resume_gateway_url for resuming.
    session.session_id = std::move(ready.session_id);
    session.resume_url = normalize_gateway_base(ready.resume_gateway_url);
    events.push(ready_event{session.session_id, session.resume_url});
    events.push(dispatch_event{env.type, env.sequence, env.data});
    become_active(now);
  }

  void become_active(time_point now) {
    state = shard_state::active;
    deadline.reset();
    active_since = now;
    resume_failures = 0;
    flush_commands(now);  // G01: commands queued before READY or RESUMED go out now
  }

  void on_invalid_session(bool resumable, time_point now) {
    // §3.8: a random 1-5 s wait before a fresh identify.
    const duration wait =
        options.invalid_session_min_wait +
        std::chrono::duration_cast<duration>(
            (options.invalid_session_max_wait - options.invalid_session_min_wait) * random());
    if (!resumable || !session.can_resume()) {
      // §3.8: d=false, the session is gone; identify on the gateway URL.
      return reconnect(
          {.reason = error::session_invalidated, .drop_session = true, .min_delay = wait}, now);
    }
    // §3.8: d=true, reconnect and resume.
    reconnect({.reason = error::session_invalidated}, now);
  }

  // Ends the connection and schedules the next one.
  void reconnect(reconnect_cause cause, time_point now) {
    const bool was_active = state == shard_state::active;
    if (cause.close_ours && has_connection) {
      close = close_request{resume_close_code, cause.reason.message()};  // §3.6 step 2
    }
    end_connection();

    // A resume that never reached RESUMED failed; after
    // the cap the session and its resume URL are dropped
    // for a fresh identify on the gateway URL (G08, G09).
    if (!was_active && attempt_resumes && session.can_resume()) {
      if (++resume_failures >= options.max_resume_failures) {
        cause.drop_session = true;
        cause.reason = error::resume_failed;
      }
    }
    if (cause.drop_session) {
      session = {};
      resume_failures = 0;
    }

    // The first reconnect after a stable session
    // is immediate; later ones back off. An op 7 on a
    // working session is the gateway moving it, not a
    // failure: it resumes at once and counts for
    // nothing (§3.6). An op 7 before the session works
    // again is treated as the failure it looks like.
    if (was_active && now - active_since >= options.backoff.reset_after) {
      retry.reset();
    }
    const bool planned = cause.requested && was_active;
    const duration delay =
        planned ? cause.min_delay : std::max(retry.next_delay(random()), cause.min_delay);

    events.push(reconnecting_event{cause.reason, cause.close_code, session.can_resume(), delay});
    if (delay <= duration::zero()) {
      return connect_now(now);
    }
    state = shard_state::reconnect_wait;
    deadline = now + delay;
  }

  void stop_fatal(std::error_code reason, std::uint16_t code, std::string message, time_point now) {
    (void)now;
    end_connection();
    connect.reset();
    commands.clear();
    deadline.reset();
    command_deadline.reset();
    state = shard_state::fatal;
    events.push(fatal_event{reason, code, std::move(message)});
  }

  // The current connection is over for the shard: its
  // heartbeat and unsent output go with it, except commands,
  // which go back to the queue for the next session (G14).
  void end_connection() {
    has_connection = false;
    beat.stop();
    latency.reset();
    priority_out.clear();
    out.for_each_newest_first([this](outgoing& o) {
      if (is_command(static_cast<int>(o.op))) {
        commands.push_front({o.op, std::move(o.payload)});
      }
    });
    out.clear();
    command_deadline.reset();
  }

  void send_reserved(std::string payload, opcode op, time_point now) {
    limiter.record(now);
    const bool priority = op == opcode::heartbeat;
    (priority ? priority_out : out).push(outgoing{std::move(payload), op, priority});
  }

  void send_heartbeat(time_point now) {
    // §3.2: `d` is the last non-null sequence, null before any.
    const auto seq = session.sequence == 0 ? std::nullopt : std::optional(session.sequence);
    send_reserved(heartbeat_payload(seq), opcode::heartbeat, now);
  }

  // §5.1: commands go out while the window has room outside the reserved slots.
  void flush_commands(time_point now) {
    command_deadline.reset();
    if (state != shard_state::active) {
      return;
    }
    while (!commands.empty()) {
      if (!limiter.can_send_command(now)) {
        command_deadline = limiter.next_command_slot(now);
        return;
      }
      limiter.record(now);
      queued_command& c = commands.front();
      out.push(outgoing{std::move(c.payload), c.op, false});
      commands.pop_front();
    }
  }

  std::optional<time_point> next_timeout() const {
    if (is_stopped()) {
      return std::nullopt;
    }
    std::optional<time_point> next = deadline;
    for (const auto& t : {beat.deadline(), command_deadline}) {
      if (t && (!next || *t < *next)) {
        next = t;
      }
    }
    return next;
  }
};

shard::shard(shard_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

shard::~shard() = default;

void shard::start(time_point now) {
  impl_->start(now);
}

void shard::handle_open(time_point now) {
  impl_->handle_open(now);
}

void shard::handle_message(std::string_view text, time_point now, std::size_t padding) {
  impl_->handle_message(text, now, padding);
}

void shard::handle_close(std::uint16_t code, std::string_view reason, time_point now) {
  (void)reason;  // the code decides; the reason text is for the caller's log
  impl_->handle_close(code, now);
}

void shard::handle_error(std::error_code ec, time_point now) {
  impl_->handle_error(ec, now);
}

void shard::handle_timeout(time_point now) {
  impl_->handle_timeout(now);
}

std::error_code shard::send_command(opcode op, std::string_view data, time_point now) {
  return impl_->send_command(op, data, now);
}

void shard::close(time_point now) {
  (void)now;
  impl_->session = {};  // §3.9: 1000 ends the session; nothing is left to resume
  impl_->close_shard(static_cast<std::uint16_t>(close_code::normal), false);
}

session_state shard::close_for_restart(time_point now) {
  (void)now;
  impl_->close_shard(resume_close_code, true);  // §3.9: a 4000-range code keeps the session
  return impl_->session;
}

std::optional<connect_request> shard::poll_connect() {
  return std::exchange(impl_->connect, {});
}

std::optional<outgoing> shard::poll_transmit() {
  if (auto beat = impl_->priority_out.pop()) {
    return beat;
  }
  return impl_->out.pop();
}

std::optional<close_request> shard::poll_close() {
  return std::exchange(impl_->close, {});
}

std::optional<event> shard::poll_event() {
  return impl_->events.pop();
}

std::optional<time_point> shard::poll_timeout() const {
  return impl_->next_timeout();
}

shard_state shard::state() const {
  return impl_->state;
}

const session_state& shard::session() const {
  return impl_->session;
}

std::optional<duration> shard::heartbeat_latency() const {
  return impl_->latency;
}

bool shard::is_stopped() const {
  return impl_->is_stopped();
}

std::uint32_t shard::shard_id() const {
  return impl_->options.shard_id;
}

}  // namespace gatehouse::core
