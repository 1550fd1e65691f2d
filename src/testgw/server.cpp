// The test gateway's shared state and its public face.
#include "testgw/server.hpp"

#include <algorithm>
#include <fstream>
#include <future>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "core/close_code.hpp"
#include "testgw/frames.hpp"
#include "testgw/gateway_connection.hpp"
#include "testgw/listener.hpp"
#include "testgw/server_state.hpp"
#include "testgw/tls.hpp"

namespace gatehouse::testgw {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t max_records = 10000;  // connection records kept for the report
constexpr std::size_t pump_batch = 256;     // events per turn of the as-fast-as-possible pump

rest_options rest_options_for(const gateway_options& o) {
  rest_options r = o.rest;
  r.token = o.token;
  return r;
}

replay_limits replay_limits_for(const gateway_options& o) {
  return {o.replay_limit, std::max<std::size_t>(o.max_send_queue * 4, 1024 * 1024)};
}

// Whether a close ends the session: the client's 1000 or 1001 (any other client code keeps
// it, §3.9), or the gateway's new-session and fatal codes (§4).
bool ends_session(std::uint16_t code, bool by_client) {
  if (by_client) {
    return code == 1000 || code == 1001;
  }
  auto action = core::policy_for(code).action;
  return code >= 4000 && code < 4900 && action != core::close_action::resume;
}

rest_response json_answer(unsigned status, json::value body) {
  return {status, {}, json::serialize(body)};
}

}  // namespace

test_gateway::state::state(asio::io_context& ioc, gateway_options options)
    : ioc_(ioc),
      options_(std::move(options)),
      world_(options_.world),
      rest_(world_, rest_options_for(options_)),
      sessions_(replay_limits_for(options_), options_.world.seed),
      limits_(options_.max_concurrency, options_.identify_window, options_.session_starts.total,
              options_.session_starts.remaining, options_.session_starts.reset_after, clock::now()),
      started_(clock::now()),
      traffic_timer_(ioc) {
  rest_.on_gateway_bot([this] {
    gateway_bot_info info;
    info.url = gateway_url();
    info.shards = static_cast<std::uint32_t>(
        std::max<int>(options_.recommended_shards, static_cast<int>(world_.recommended_shards())));
    info.total = static_cast<std::uint32_t>(limits_.total());
    info.remaining = static_cast<std::uint32_t>(std::max(limits_.remaining(clock::now()), 0));
    info.reset_after_ms =
        std::chrono::duration_cast<milliseconds>(limits_.reset_after(clock::now())).count();
    info.max_concurrency = static_cast<std::uint32_t>(limits_.max_concurrency());
    return info;
  });
  rest_.on_message_created([this](const world_event& event) { route(event); });
}

test_gateway::state::~state() = default;

gateway_ports test_gateway::state::start() {
  if (started_once_) {
    return ports_;
  }
  started_once_ = true;

  // TLS from the given files, or a certificate made for this run.
  if (options_.tls.enabled) {
    self_signed pair;
    if (options_.tls.cert_file.empty() && options_.tls.key_file.empty()) {
      pair = generate_self_signed();
      cert_pem_ = pair.cert_pem;
    } else {
      auto read = [](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
          throw std::system_error(errno, std::generic_category(), "cannot read " + path);
        }
        return std::string(std::istreambuf_iterator<char>(in), {});
      };
      pair = {read(options_.tls.cert_file), read(options_.tls.key_file)};
    }
    tls_.emplace(make_server_context(pair.cert_pem, pair.key_pem));
  }

  // Bench bodies before any listener: a client that can connect gets the stream at once.
  if (options_.bench_events > 0) {
    prepare_bench_bodies();
  }

  // Both listeners bind before either accepts, so start() fails whole or not at all.
  auto main = std::make_shared<listener>(*this, options_.port, false);
  auto resume = std::make_shared<listener>(*this, options_.resume_port, true);
  ports_ = {main->port(), resume->port()};
  listeners_ = {main, resume};
  started_ = clock::now();
  main->start();
  resume->start();
  spdlog::info("testgw listening main={} resume={} tls={}", ports_.main, ports_.resume,
               tls_.has_value());

  return ports_;
}

void test_gateway::state::stop() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  for (auto& l : listeners_) {
    l->stop();
  }
  auto open = std::move(connections_);
  connections_.clear();
  for (auto& [id, weak] : open) {
    if (auto c = weak.lock()) {
      c->drop(false, "gateway stopped");
    }
  }
  for (auto& t : timers_) {
    t->cancel();
  }
  timers_.clear();
  traffic_timer_.cancel();
  stats_.running = false;
}

double test_gateway::state::ms_since_start(clock::time_point t) const {
  return std::chrono::duration<double, std::milli>(t - started_).count();
}

std::string test_gateway::state::gateway_url() const {
  return std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(ports_.main);
}

std::string test_gateway::state::resume_url() const {
  return std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(ports_.resume);
}

std::string test_gateway::state::api_base() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(ports_.main) +
         "/api/v10";
}

// Connections.

std::shared_ptr<connection_record> test_gateway::state::open_record(bool resume_listener,
                                                                    std::string query) {
  auto record = std::make_shared<connection_record>();
  record->id = next_connection_id_++;
  record->listener = resume_listener ? "resume" : "main";
  record->query = std::move(query);
  record->opened_ms = ms_since_start(clock::now());

  // The oldest closed records go first, so a reconnect storm cannot grow the report forever.
  records_.push_back(record);
  if (records_.size() > max_records) {
    records_.pop_front();
  }

  return record;
}

void test_gateway::state::connection_started(const std::shared_ptr<gateway_connection>& c) {
  connections_[c->id()] = c;
}

void test_gateway::state::connection_finished(gateway_connection& c, std::uint16_t code,
                                              bool by_client) {
  connections_.erase(c.id());
  if (c.session_id().empty()) {
    return;
  }
  auto it = attached_.find(c.session_id());
  if (it == attached_.end() || it->second.lock().get() != &c) {
    return;  // another connection took the session over
  }
  attached_.erase(it);

  gateway_session* session = sessions_.find(c.session_id());
  if (session == nullptr || !session->is_live()) {
    return;
  }

  if (ends_session(code, by_client)) {
    end_session(*session, code == 4009);
    return;
  }
  auto expires_at = clock::now() + options_.session_window;
  session->detach(expires_at);
  arm_expiry(expires_at);
}

void test_gateway::state::end_session(gateway_session& session, bool timed_out) {
  session.end(timed_out);
  attached_.erase(session.id());
}

void test_gateway::state::arm_expiry(clock::time_point at) {
  auto timer = std::make_shared<asio::steady_timer>(ioc_);
  timer->expires_at(at);
  timer->async_wait([this, timer](boost::system::error_code ec) {
    if (!ec) {
      for (const auto& id : sessions_.expire(clock::now())) {
        spdlog::debug("testgw session expired session={}", id);
      }
    }
  });
}

// Identify and resume.

identify_verdict test_gateway::state::try_identify(std::uint32_t shard_id) {
  return limits_.try_identify(shard_id, clock::now());
}

gateway_session& test_gateway::state::create_session(
    const identify_request& identity, const std::shared_ptr<gateway_connection>& connection) {
  gateway_session& session = sessions_.create(identity);
  attached_[session.id()] = connection;
  if (generator_ && stats_.running && !generator_->is_rate_limited()) {
    schedule_pump();  // a new reader may let the stream go on
  }
  return session;
}

resume_verdict test_gateway::state::check_resume(std::string_view id, std::uint64_t seq) {
  return sessions_.check_resume(id, seq);
}

gateway_session* test_gateway::state::resume_session(
    std::string_view id, const std::shared_ptr<gateway_connection>& connection) {
  gateway_session* session = sessions_.find(id);

  // A session lives on one connection: a resume takes it over from an older one.
  auto it = attached_.find(id);
  if (it != attached_.end()) {
    if (auto old = it->second.lock(); old && old != connection) {
      attached_.erase(it);
      old->drop(false, "session resumed elsewhere");
    }
  }
  session->attach();
  attached_[session->id()] = connection;
  if (generator_ && stats_.running && !generator_->is_rate_limited()) {
    schedule_pump();
  }

  return session;
}

// The bench stream.

void test_gateway::state::prepare_bench_bodies() {
  const auto begun = clock::now();

  // A single-shard session's body starts after READY (s=1) and one GUILD_CREATE per guild.
  const std::uint64_t first = 2 + world_.guilds_on_shard(0, 1).size();
  const bench_stream_options o{options_.bench_events, first, options_.bench_generator};
  const compression kinds[] = {compression::none, compression::zlib_stream,
                               compression::zstd_stream};
  for (auto& rendered : render_bench_bodies(world_, o, kinds)) {
    auto body = std::make_shared<const bench_body>(std::move(rendered));
    spdlog::info("testgw bench body compress={} events={} bytes={} json_bytes={}",
                 compression_name(body->kind), body->events, body->frames.size(), body->json_bytes);
    bench_bodies_[{body->kind, first}] = std::move(body);
  }

  const std::chrono::duration<double> took = clock::now() - begun;
  spdlog::info("testgw bench bodies rendered events={} seconds={:.3f}", options_.bench_events,
               took.count());
}

std::shared_ptr<const bench_body> test_gateway::state::bench_body_for(
    compression kind, std::uint64_t first_sequence) {
  auto& body = bench_bodies_[{kind, first_sequence}];
  if (body == nullptr) {
    spdlog::info("testgw bench body rendered late compress={} first_sequence={}",
                 compression_name(kind), first_sequence);
    bench_stream_options o{options_.bench_events, first_sequence, options_.bench_generator};
    body = std::make_shared<const bench_body>(render_bench_body(world_, o, kind));
  }
  return body;
}

// Routing.

void test_gateway::state::route_to(gateway_session& session, std::string_view name,
                                   std::string_view d) {
  frame_ptr frame = session.append(name, d);
  auto it = attached_.find(session.id());
  if (it == attached_.end()) {
    return;  // detached: kept for replay
  }
  if (auto c = it->second.lock(); c && c->is_ready()) {
    c->deliver(frame);
    ++stats_.sent;
  }
}

void test_gateway::state::route(const world_event& event) {
  for (const auto& session : sessions_.all()) {
    if (!session->is_live()) {
      continue;
    }
    const auto& who = session->identity();
    if (is_delivered(event, who.shard_id, who.num_shards, who.intents)) {
      route_to(*session, event.name, payload_for(event, who.intents));
    }
  }
}

// Faults.

bool test_gateway::state::matches(const fault& f, const gateway_connection& c) const {
  if (!f.session_id.empty() && f.session_id != c.session_id()) {
    return false;
  }
  return f.shard < 0 || f.shard == c.shard();
}

void test_gateway::state::prune_faults() {
  auto now = clock::now();
  std::erase_if(faults_, [now](const active_fault& a) { return a.until && now >= *a.until; });
}

const fault* test_gateway::state::lasting(fault_kind kind, const gateway_connection& c) const {
  auto now = clock::now();
  for (const auto& a : faults_) {
    if (a.f.kind == kind && (!a.until || now < *a.until) && matches(a.f, c)) {
      return &a.f;
    }
  }
  return nullptr;
}

bool test_gateway::state::take_listener_fault(fault_kind kind) {
  prune_faults();
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->f.kind != kind) {
      continue;
    }
    if (it->remaining > 0 && --it->remaining == 0) {
      faults_.erase(it);
    }
    return true;
  }
  return false;
}

void test_gateway::state::inject(const fault& f) {
  json::object logged = to_json(f).as_object();
  logged["applied_ms"] = ms_since_start(clock::now());
  if (fault_log_.size() < max_records) {
    fault_log_.push_back(std::move(logged));
  }
  spdlog::info("testgw fault kind={} session={} shard={}", fault_kind_name(f.kind),
               f.session_id.empty() ? "*" : f.session_id, f.shard);

  // Gateway-wide faults.
  switch (f.kind) {
    case fault_kind::exhaust_session_budget:
      limits_.exhaust();
      return;
    case fault_kind::rest_status:
      rest_.inject({f.route, static_cast<unsigned>(f.status),
                    static_cast<std::uint32_t>(std::max(f.count, 1)), f.retry_after, f.global});
      return;
    case fault_kind::expire_session:
      for (const auto& s : sessions_.all()) {
        if (s->is_live() && (f.session_id.empty() || f.session_id == s->id()) &&
            (f.shard < 0 || f.shard == static_cast<int>(s->identity().shard_id))) {
          auto it = attached_.find(s->id());
          auto c = it == attached_.end() ? nullptr : it->second.lock();
          end_session(*s, true);
          if (c) {
            c->send_frame(invalid_session_frame(false));  // §3.8: the server dropped it
          }
        }
      }
      return;
    default:
      break;
  }

  // Lasting faults stay in force for future connections too.
  if (is_lasting(f.kind)) {
    active_fault a{f, std::nullopt, 0};
    if (f.lasting.count() > 0) {
      a.until = clock::now() + f.lasting;
    }
    if (f.kind == fault_kind::refuse_resume || f.kind == fault_kind::reset_resume) {
      a.remaining = f.count;
    }
    faults_.push_back(std::move(a));
  }

  // Connection faults act on every live connection they target. The map can change while
  // a fault closes connections, so the targets are taken first.
  std::vector<std::shared_ptr<gateway_connection>> targets;
  for (auto& [id, weak] : connections_) {
    if (auto c = weak.lock(); c && matches(f, *c)) {
      targets.push_back(std::move(c));
    }
  }
  for (auto& c : targets) {
    c->apply(f);
  }
}

void test_gateway::state::schedule(std::vector<fault> faults) {
  for (auto& f : faults) {
    auto when = started_ + f.at;
    if (when <= clock::now()) {
      inject(f);
      continue;
    }
    auto timer = std::make_shared<asio::steady_timer>(ioc_, when);
    timers_.push_back(timer);
    timer->async_wait([this, f = std::move(f)](boost::system::error_code ec) {
      if (!ec) {
        inject(f);
      }
    });
  }
}

void test_gateway::state::clear_faults() {
  faults_.clear();
  for (auto& t : timers_) {
    t->cancel();
  }
  timers_.clear();
}

// Traffic.

void test_gateway::state::start_traffic(traffic_run run) {
  stop_traffic();
  generator_ = std::make_unique<traffic_generator>(world_, run.generator);
  traffic_count_ = run.count;
  stats_ = {};
  stats_.running = true;
  traffic_started_ = clock::now();
  generator_->start(traffic_started_);
  if (generator_->is_rate_limited()) {
    traffic_tick();
  } else {
    schedule_pump();
  }
}

void test_gateway::state::stop_traffic() {
  if (stats_.running) {
    finish_traffic();
  }
  traffic_timer_.cancel();
}

void test_gateway::state::finish_traffic() {
  stats_.running = false;
  traffic_ended_ = clock::now();
  spdlog::info("testgw traffic generated={} sent={} seconds={:.3f}", stats_.generated, stats_.sent,
               traffic().seconds);
}

traffic_stats test_gateway::state::traffic() const {
  traffic_stats s = stats_;
  auto end = s.running ? clock::now() : traffic_ended_;
  s.seconds = std::chrono::duration<double>(end - traffic_started_).count();
  return s;
}

void test_gateway::state::schedule_pump() {
  if (pump_scheduled_) {
    return;
  }
  pump_scheduled_ = true;
  asio::post(ioc_, [self = shared_from_this()] {
    self->pump_scheduled_ = false;
    self->pump();
  });
}

void test_gateway::state::on_drained() {
  if (generator_ && stats_.running && !generator_->is_rate_limited()) {
    schedule_pump();
  }
}

void test_gateway::state::pump() {
  if (!stats_.running || stopped_) {
    return;
  }

  // As fast as the slowest ready reader: generate while every one is under the high-water
  // mark, and wait for a drain otherwise. With no reader there is nobody to be fast for.
  std::size_t readers = 0;
  std::size_t limit = std::min(high_water, options_.max_send_queue / 2);
  for (auto& [id, weak] : attached_) {
    auto c = weak.lock();
    if (!c || !c->is_ready()) {
      continue;
    }
    if (c->backlog() >= limit) {
      return;
    }
    ++readers;
  }
  if (readers == 0) {
    return;
  }
  for (std::size_t i = 0; i < pump_batch; ++i) {
    if (traffic_count_ != 0 && stats_.generated >= traffic_count_) {
      finish_traffic();
      return;
    }
    route(generator_->next());
    ++stats_.generated;
  }
  schedule_pump();
}

void test_gateway::state::traffic_tick() {
  if (!stats_.running || stopped_) {
    return;
  }
  auto now = clock::now();
  for (std::size_t n = generator_->due(now); n > 0; --n) {
    if (traffic_count_ != 0 && stats_.generated >= traffic_count_) {
      finish_traffic();
      return;
    }
    route(generator_->next());
    ++stats_.generated;
  }

  // Re-arm for the next event, but at least every millisecond apart to batch bursts.
  traffic_timer_.expires_at(std::max(generator_->next_due(), now + milliseconds(1)));
  traffic_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) {
      self->traffic_tick();
    }
  });
}

// HTTP.

rest_response test_gateway::state::handle_http(const http_exchange& exchange) {
  std::string_view target = exchange.request.target;
  if (target.starts_with("/control/") || target == "/control") {
    if (!exchange.from_loopback) {
      return json_answer(403, json::object{{"message", "control is loopback only"}});
    }
    return handle_control(exchange.request);
  }
  return rest_.handle(exchange.request, clock::now(), std::chrono::system_clock::now());
}

// The report.

json::value to_json(const traffic_stats& s) {
  return json::object{
      {"generated", s.generated}, {"sent", s.sent}, {"seconds", s.seconds}, {"running", s.running}};
}

json::value test_gateway::state::session_json(const gateway_session& s) const {
  json::object o;
  o["session_id"] = s.id();
  o["shard"] = json::array{s.identity().shard_id, s.identity().num_shards};
  o["intents"] = s.identity().intents;
  o["state"] = s.state() == session_state::active     ? "active"
               : s.state() == session_state::detached ? "detached"
                                                      : (s.timed_out() ? "timed_out" : "ended");
  o["sequence"] = s.sequence();

  // Its connections, in order, with totals over them.
  json::array conns;
  std::uint64_t identifies = 0;
  std::uint64_t resumes = 0;
  for (const auto& r : records_) {
    if (r->session_id == s.id()) {
      identifies += r->identifies;
      resumes += r->resumes;
      conns.push_back(to_json(*r));
      if (r->bench && !o.contains("bench")) {
        o["bench"] = to_json(*r->bench);  // the connection that identified carried the body
      }
    }
  }
  o["identifies"] = identifies;
  o["resumes"] = resumes;
  o["connections"] = std::move(conns);

  return o;
}

json::value test_gateway::state::report() const {
  json::array sessions;
  for (const auto& s : sessions_.all()) {
    sessions.push_back(session_json(*s));
  }
  json::array conns;
  for (const auto& r : records_) {
    conns.push_back(to_json(*r));
  }
  return json::object{{"sessions", std::move(sessions)},
                      {"connections", std::move(conns)},
                      {"faults", fault_log_},
                      {"traffic", to_json(traffic())}};
}

json::value test_gateway::state::session_report(std::string_view id) const {
  for (const auto& s : sessions_.all()) {
    if (s->id() == id) {
      return session_json(*s);
    }
  }
  return nullptr;
}

std::vector<std::string> test_gateway::state::session_ids() const {
  std::vector<std::string> ids;
  for (const auto& s : sessions_.all()) {
    ids.push_back(s->id());
  }
  return ids;
}

std::size_t test_gateway::state::connection_count() const {
  return connections_.size();
}

session_start_limit test_gateway::state::session_starts() {
  auto now = clock::now();
  return {limits_.total(), limits_.remaining(now),
          std::chrono::duration_cast<milliseconds>(limits_.reset_after(now))};
}

// test_gateway: every call runs on the io_context thread.

namespace {

// Runs `fn` on the io_context and waits for its result, or runs it here when already there.
template <typename Fn>
auto on_io(asio::io_context& ioc, Fn fn) -> decltype(fn()) {
  if (ioc.get_executor().running_in_this_thread()) {
    return fn();
  }
  std::packaged_task<decltype(fn())()> task(std::move(fn));
  auto result = task.get_future();
  asio::post(ioc, [&task] { task(); });
  return result.get();
}

}  // namespace

struct test_gateway::runtime {
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
};

test_gateway::test_gateway(asio::io_context& ioc, gateway_options options)
    : state_(std::make_shared<state>(ioc, std::move(options))) {}

test_gateway::test_gateway(gateway_options options)
    : runtime_(std::make_unique<runtime>()),
      state_(std::make_shared<state>(runtime_->ioc, std::move(options))) {}

test_gateway::~test_gateway() {
  stop();
}

gateway_ports test_gateway::start() {
  gateway_ports ports = state_->start();
  if (runtime_ && !runtime_->thread.joinable()) {
    runtime_->work.emplace(runtime_->ioc.get_executor());
    runtime_->thread = std::thread([rt = runtime_.get()] { rt->ioc.run(); });
  }
  return ports;
}

void test_gateway::stop() {
  if (!runtime_) {
    // The caller's io_context: stop now when nothing runs it, else on its thread.
    auto& ioc = state_->ioc();
    if (ioc.stopped() || ioc.get_executor().running_in_this_thread()) {
      state_->stop();
    } else {
      asio::post(ioc, [s = state_] { s->stop(); });
    }
    return;
  }
  if (runtime_->thread.joinable()) {
    on_io(runtime_->ioc, [this] { state_->stop(); });
    runtime_->work.reset();
    runtime_->ioc.stop();
    runtime_->thread.join();
  } else {
    state_->stop();
  }
}

gateway_ports test_gateway::ports() const {
  return state_->ports();
}
std::string test_gateway::gateway_url() const {
  return state_->gateway_url();
}
std::string test_gateway::resume_url() const {
  return state_->resume_url();
}
std::string test_gateway::api_base() const {
  return state_->api_base();
}
std::string test_gateway::generated_cert_pem() const {
  return state_->generated_cert_pem();
}

void test_gateway::inject(const fault& f) {
  on_io(state_->ioc(), [&] { state_->inject(f); });
}

void test_gateway::schedule(std::vector<fault> faults) {
  on_io(state_->ioc(), [&] { state_->schedule(std::move(faults)); });
}

void test_gateway::clear_faults() {
  on_io(state_->ioc(), [&] { state_->clear_faults(); });
}

void test_gateway::dispatch(std::string_view event_name, const json::value& d) {
  on_io(state_->ioc(), [&] {
    world_event event;
    event.name = std::string(event_name);
    event.d = json::serialize(d);
    if (const json::object* o = d.if_object()) {
      if (const json::value* g = o->if_contains("guild_id"); g && g->is_string()) {
        event.guild_id = std::strtoull(g->get_string().c_str(), nullptr, 10);
      }
    }
    state_->route(event);
  });
}

void test_gateway::start_traffic(traffic_run run) {
  on_io(state_->ioc(), [&] { state_->start_traffic(run); });
}

void test_gateway::stop_traffic() {
  on_io(state_->ioc(), [&] { state_->stop_traffic(); });
}

traffic_stats test_gateway::traffic() const {
  return on_io(state_->ioc(), [&] { return state_->traffic(); });
}

json::value test_gateway::report() const {
  return on_io(state_->ioc(), [&] { return state_->report(); });
}

json::value test_gateway::session_report(std::string_view id) const {
  return on_io(state_->ioc(), [&] { return state_->session_report(id); });
}

std::vector<std::string> test_gateway::session_ids() const {
  return on_io(state_->ioc(), [&] { return state_->session_ids(); });
}

std::size_t test_gateway::connection_count() const {
  return on_io(state_->ioc(), [&] { return state_->connection_count(); });
}

session_start_limit test_gateway::session_starts() const {
  return on_io(state_->ioc(), [&] { return state_->session_starts(); });
}

const world& test_gateway::content() const {
  return state_->content();
}
const gateway_options& test_gateway::options() const {
  return state_->options();
}

}  // namespace gatehouse::testgw
