// The shard manager: plans the shards from GET /gateway/bot, starts them row by row through
// one identify queue, keeps their status, and handles a fatal close once for all of them.
#include "shards/shard_manager.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <optional>
#include <random>

#include "core/close_code.hpp"
#include "core/error.hpp"
#include "core/identify_queue.hpp"
#include "core/intents.hpp"
#include "core/token.hpp"
#include "rest/base_url.hpp"
#include "rest/rest_client.hpp"
#include "rest/rest_error.hpp"

namespace gatehouse::shards {

namespace asio = boost::asio;

namespace {

// Added to every identify window; see size_queue.
constexpr std::chrono::milliseconds identify_margin{50};

// The operator's line for a REST failure of GET /gateway/bot: what failed and what to do.
std::string describe_rest_failure(std::error_code ec) {
  using rest::rest_error;
  const std::string what = "GET /gateway/bot failed: " + ec.message();
  if (ec == rest_error::unauthorized) {
    return what +
           "; the token was rejected (401): put the bot's current token in "
           "DISCORD_TOKEN or .env (Developer Portal > Bot > Reset Token)";
  }
  if (ec == rest::rest_condition::retryable) {
    return what +
           "; it is asked again until it answers: if this repeats, check --api-base and "
           "the network";
  }
  return what + "; check --api-base";
}

}  // namespace

std::string_view phase_name(shard_phase p) {
  switch (p) {
    case shard_phase::pending:
      return "pending";
    case shard_phase::connecting:
      return "connecting";
    case shard_phase::identify_waiting:
      return "identify_waiting";
    case shard_phase::active:
      return "active";
    case shard_phase::reconnecting:
      return "reconnecting";
    case shard_phase::fatal:
      return "fatal";
    case shard_phase::closed:
      return "closed";
  }
  return "unknown";
}

struct shard_manager::impl : std::enable_shared_from_this<impl> {
  enum class stage { idle, fetching, running, resharding, stopping, stopped };

  // One shard of the current plan, with what it reported.
  struct slot {
    std::unique_ptr<client_shard> shard;
    shard_status status;
  };

  impl(asio::io_context& io, manager_options o)
      : io_(io),
        strand_(asio::make_strand(io)),
        options_(std::move(o)),
        row_timer_(strand_),
        retry_timer_(strand_) {}

  // Refuses what can never work before anything is sent.
  std::error_code check_options() {
    std::error_code ec;
    auto token = core::normalize_token(options_.token, ec);
    if (ec) {
      return ec;
    }
    options_.token = std::move(token.value);
    if ((options_.intents & ~core::defined_intents) != 0) {
      return error::undefined_intent_bits;
    }
    for (const auto id : options_.shard_ids) {
      if (options_.shard_count == 0 || id >= options_.shard_count) {
        return error::invalid_shard;
      }
    }
    rest::parse_base_url(options_.api_base, ec);

    return ec;
  }

  void start() {
    stage_ = stage::fetching;
    rest::rest_options r;
    r.base_url = options_.api_base;
    r.token = options_.token;
    r.ca_file = options_.ca_file;
    rest_.emplace(strand_, std::move(r));
    asio::co_spawn(strand_, plan(shared_from_this()), asio::detached);
  }

  // Fetches GET /gateway/bot, sizes the identify queue and starts the shards (§1.3, §5.2). A
  // failure that may pass (the network, a 5xx, a 429 beyond the REST client's own waits) is
  // asked again after a wait that doubles up to the cap, each drawn from its upper half so that
  // processes cut off together do not all come back at once; a refusal (401, a bad URL) is
  // fatal at once.
  static asio::awaitable<void> plan(std::shared_ptr<impl> self) {
    std::error_code ec;
    auto info = co_await self->rest_->get_gateway_bot(ec);
    auto ceiling = self->options_.gateway_retry_delay;
    while (ec == rest::rest_condition::retryable && !self->stopping()) {
      const auto delay = self->jittered(ceiling);
      spdlog::warn("gateway_bot retrying error=\"{}\" delay_ms={}", ec.message(), delay.count());
      self->emit({.kind = manager_event_kind::gateway_retrying,
                  .reason = ec,
                  .message = describe_rest_failure(ec),
                  .delay = delay});
      self->retry_timer_.expires_after(delay);
      boost::system::error_code waited;
      co_await self->retry_timer_.async_wait(asio::redirect_error(asio::use_awaitable, waited));
      ceiling = std::min(ceiling * 2, self->options_.gateway_retry_cap);
      if (self->stopping()) {
        break;
      }
      info = co_await self->rest_->get_gateway_bot(ec);
    }
    if (self->stopping()) {
      self->finish_if_closed();
      co_return;
    }
    if (ec) {
      self->fail(ec, 0, describe_rest_failure(ec));
      co_return;
    }
    self->emit({.kind = manager_event_kind::gateway_fetched,
                .shard_count = info.shards,
                .max_concurrency = info.session_start_limit.max_concurrency,
                .session_starts_remaining = info.session_start_limit.remaining,
                .gateway_url = info.url});

    self->size_queue(info.session_start_limit);
    self->gateway_url_ = info.url;

    // A 4011 re-plans with the recommended count; otherwise a fixed count wins (§6).
    std::uint32_t count = self->options_.shard_count;
    if (count == 0 || self->stage_ == stage::resharding) {
      count = std::max<std::uint32_t>(info.shards, 1);
    }
    if (self->stage_ == stage::resharding && count <= self->count_) {
      self->fail(error::fatal_close, 4011,
                 "4011 sharding required, but GET /gateway/bot still recommends " +
                     std::to_string(info.shards) + " shards; try again later");
      co_return;
    }

    self->launch(count);
  }

  // One queue for every shard of the process, from the session start limit (§5.2, §5.3). A
  // new max_concurrency needs a new queue, which must not let a bucket identify again at once.
  void size_queue(const rest::session_start_limit& limit) {
    // reset_after is whole milliseconds rounded down: one more keeps the first identify after
    // the reset from reaching the gateway a moment before it (G16).
    const auto now = std::chrono::steady_clock::now();
    const auto reset_at = now + std::chrono::milliseconds(limit.reset_after_ms + 1);
    const auto concurrency = std::max<std::uint32_t>(limit.max_concurrency, 1);
    if (queue_ && queue_->max_concurrency() == concurrency) {
      queue_->update_budget(limit.remaining, reset_at);
      return;
    }

    const bool replaced = queue_ != nullptr;
    queue_ = std::make_shared<core::identify_queue>(core::identify_queue::limits{
        .max_concurrency = concurrency,
        // The gateway measures the window between identifies as they arrive; a timer that
        // fires a millisecond early, or a send that travels faster than the last one, would
        // land inside it (§5.2). A small margin keeps every bucket clear of that.
        .window = options_.identify_window + identify_margin,
        .remaining = limit.remaining,
        .reset_at = reset_at,
    });
    if (replaced) {
      for (std::uint32_t b = 0; b < concurrency; ++b) {
        queue_->try_acquire(b, now);  // every bucket waits one window, as if just used
      }
      queue_->update_budget(limit.remaining, reset_at);
    }
  }

  // Creates the slots of a new plan and starts the first row.
  void launch(std::uint32_t count) {
    count_ = count;
    ++generation_;
    slots_.clear();
    auto ids = options_.shard_ids;
    if (ids.empty()) {
      for (std::uint32_t id = 0; id < count; ++id) {
        ids.push_back(id);
      }
    }
    std::sort(ids.begin(), ids.end());
    for (const auto id : ids) {
      shard_status st;
      st.shard_id = id;
      st.shard_count = count;
      slots_.push_back(slot{nullptr, std::move(st)});
    }

    stage_ = stage::running;
    next_row_ = 0;
    spdlog::info("shards starting count={} here={} max_concurrency={}", count, slots_.size(),
                 queue_->max_concurrency());
    emit({.kind = manager_event_kind::starting,
          .shard_count = count,
          .max_concurrency = queue_->max_concurrency()});
    start_next_row();
  }

  // §5.2: shards start in bucket order, one row of max_concurrency shards at a time. The next
  // row starts when this one is active, or after one identify window at the latest; the queue
  // itself keeps every bucket to one identify per window.
  void start_next_row() {
    if (stage_ != stage::running || next_row_ >= slots_.size()) {
      return;
    }
    const std::size_t end = std::min(slots_.size(), next_row_ + queue_->max_concurrency());
    row_begin_ = next_row_;
    next_row_ = end;
    for (std::size_t i = row_begin_; i < end; ++i) {
      if (!start_slot(i)) {
        return;
      }
    }

    row_timer_.expires_after(options_.identify_window);
    row_timer_.async_wait([weak = weak_from_this(), gen = generation_](auto ec) {
      auto self = weak.lock();
      if (!ec && self && gen == self->generation_) {
        self->start_next_row();
      }
    });
  }

  bool is_row_active() const {
    for (std::size_t i = row_begin_; i < next_row_; ++i) {
      if (slots_[i].status.phase != shard_phase::active) {
        return false;
      }
    }
    return true;
  }

  bool start_slot(std::size_t index) {
    auto& s = slots_[index];
    client_options o;
    o.token = options_.token;
    o.intents = options_.intents;
    o.shard_id = s.status.shard_id;
    o.shard_count = count_;
    o.gateway_url = gateway_url_;
    o.transport_compression = options_.transport_compression;
    o.ca_file = options_.ca_file;
    o.connect_timeout = options_.connect_timeout;
    o.handshake_timeout = options_.handshake_timeout;
    o.presence = options_.presence;
    o.identify_queue = queue_;
    o.advanced = options_.advanced;

    s.shard = std::make_unique<client_shard>(io_, std::move(o));
    const auto gen = generation_;
    s.shard->on_dispatch([this, gen, index](const dispatch_event& e) {
      if (gen == generation_) {
        on_shard_dispatch(index, e);
      }
    });
    s.shard->on_lifecycle([this, gen, index](const lifecycle_event& e) {
      if (gen == generation_) {
        on_shard_lifecycle(index, e);
      }
    });
    s.status.phase = shard_phase::connecting;

    if (auto ec = s.shard->start()) {
      fail(ec, 0, "shard " + std::to_string(s.status.shard_id) + " refused: " + ec.message());

      return false;
    }
    return true;
  }

  void on_shard_dispatch(std::size_t index, const dispatch_event& e) {
    auto& st = slots_[index].status;
    ++st.dispatches;
    st.last_sequence = e.sequence;
    if (dispatch_callback_) {
      dispatch_callback_(e);
    }
  }

  void on_shard_lifecycle(std::size_t index, const lifecycle_event& e) {
    auto& st = slots_[index].status;
    switch (e.kind) {
      case lifecycle_kind::connected:
        st.phase = shard_phase::connecting;
        break;
      case lifecycle_kind::ready:
        st.phase = shard_phase::active;
        st.session_id = e.message;
        ++st.ready;
        break;
      case lifecycle_kind::resumed:
        st.phase = shard_phase::active;
        ++st.resumes;
        break;
      case lifecycle_kind::reconnecting:
        st.phase = shard_phase::reconnecting;
        st.last_close_code = e.close_code;
        ++st.reconnects;
        break;
      case lifecycle_kind::identify_waiting:
        st.phase = shard_phase::identify_waiting;
        break;
      case lifecycle_kind::fatal:
        st.phase = shard_phase::fatal;
        st.last_close_code = e.close_code;
        break;
      case lifecycle_kind::closed:
        st.phase = shard_phase::closed;
        break;
    }
    if (lifecycle_callback_) {
      lifecycle_callback_(e);
    }

    // Shards are closed and destroyed from the manager's strand, never inside their callback.
    if (e.kind == lifecycle_kind::fatal) {
      asio::post(strand_, [self = shared_from_this(), e] { self->on_fatal(e); });
    } else if (e.kind == lifecycle_kind::ready && stage_ == stage::running && is_row_active()) {
      asio::post(strand_, [self = shared_from_this(), gen = generation_] {
        if (gen == self->generation_) {
          self->row_timer_.cancel();
          self->start_next_row();
        }
      });
    } else if (e.kind == lifecycle_kind::closed) {
      asio::post(strand_, [self = shared_from_this()] { self->finish_if_closed(); });
    }
  }

  bool can_reshard() const { return options_.reshard_on_4011 && options_.shard_ids.empty(); }

  void on_fatal(const lifecycle_event& e) {
    if (stage_ != stage::running) {
      return;  // one fatal speaks for all; the others follow from closing
    }

    // §6: 4011 means this shard count can no longer hold the bot's guilds.
    const bool needs_shards =
        e.close_code == static_cast<std::uint16_t>(core::close_code::sharding_required);
    if (needs_shards && can_reshard()) {
      reshard();
      return;
    }
    if (needs_shards) {
      stop_shards();
      explaining_ = true;
      asio::co_spawn(strand_, explain_4011(shared_from_this(), e), asio::detached);
      return;
    }
    fail(e.reason, e.close_code, e.message);
  }

  // Without resharding, 4011 is fatal; the message says how many shards the bot needs.
  static asio::awaitable<void> explain_4011(std::shared_ptr<impl> self, lifecycle_event e) {
    std::error_code ec;
    const auto info = co_await self->rest_->get_gateway_bot(ec);
    std::string message = e.message;
    if (!ec) {
      message += "; GET /gateway/bot recommends " + std::to_string(info.shards) +
                 " shards: run with that count, or without a fixed one";
    }
    self->explaining_ = false;
    self->report_fatal(e.reason, e.close_code, std::move(message));
    self->finish_if_closed();
  }

  void reshard() {
    spdlog::info("resharding close_code=4011 count={}", count_);
    emit({.kind = manager_event_kind::resharding, .close_code = 4011, .shard_count = count_});
    stage_ = stage::resharding;
    row_timer_.cancel();
    close_shards();
    retire_slots();
    asio::co_spawn(strand_, plan(shared_from_this()), asio::detached);
  }

  // The old plan's shards keep running until they have closed; their events are ignored.
  void retire_slots() {
    ++generation_;
    for (auto& s : slots_) {
      if (s.shard) {
        retired_.push_back(std::move(s.shard));
      }
    }
    slots_.clear();
  }

  // Stops every shard and reports why, once.
  void fail(std::error_code reason, std::uint16_t code, std::string message) {
    if (stage_ == stage::stopping || stage_ == stage::stopped) {
      return;
    }
    stop_shards();
    report_fatal(reason, code, std::move(message));
    finish_if_closed();
  }

  void report_fatal(std::error_code reason, std::uint16_t code, std::string message) {
    spdlog::warn("shards stopping close_code={} reason=\"{}\" fix=\"{}\"", code, reason.message(),
                 message);
    emit({.kind = manager_event_kind::fatal,
          .reason = reason,
          .close_code = code,
          .message = std::move(message),
          .shard_count = count_});
  }

  bool stopping() const { return stage_ == stage::stopping || stage_ == stage::stopped; }

  // A wait in [ceiling / 2, ceiling).
  std::chrono::milliseconds jittered(std::chrono::milliseconds ceiling) {
    std::uniform_real_distribution<double> half(0.5, 1.0);
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(ceiling.count()) * half(random_)));
  }

  void stop_shards() {
    stage_ = stage::stopping;
    row_timer_.cancel();
    retry_timer_.cancel();
    close_shards();
  }

  void close() {
    if (stage_ == stage::stopping || stage_ == stage::stopped) {
      return;
    }
    stop_shards();
    finish_if_closed();
  }

  void close_shards() {
    for (auto& s : slots_) {
      if (s.shard && is_live(s.status.phase)) {
        s.shard->close();
      }
    }
  }

  static bool is_live(shard_phase p) {
    return p != shard_phase::pending && p != shard_phase::fatal && p != shard_phase::closed;
  }

  // `stopped` once every shard of the plan has closed or stopped.
  void finish_if_closed() {
    if (stage_ != stage::stopping || explaining_) {
      return;
    }
    for (const auto& s : slots_) {
      if (s.shard && is_live(s.status.phase)) {
        return;
      }
    }
    stage_ = stage::stopped;
    spdlog::debug("shards stopped count={}", count_);
    emit({.kind = manager_event_kind::stopped, .shard_count = count_});
  }

  void emit(manager_event e) {
    if (event_callback_) {
      event_callback_(e);
    }
  }

  asio::io_context& io_;
  asio::strand<asio::io_context::executor_type> strand_;
  manager_options options_;
  asio::steady_timer row_timer_;
  asio::steady_timer retry_timer_;  // the wait before GET /gateway/bot is asked again
  std::mt19937 random_{std::random_device{}()};

  std::function<void(const dispatch_event&)> dispatch_callback_;
  std::function<void(const lifecycle_event&)> lifecycle_callback_;
  std::function<void(const manager_event&)> event_callback_;

  std::optional<rest::rest_client> rest_;
  std::shared_ptr<core::identify_queue> queue_;
  std::string gateway_url_;
  std::uint32_t count_ = 0;
  std::uint64_t generation_ = 0;  // the plan; callbacks of an older plan are ignored
  std::vector<slot> slots_;
  std::vector<std::unique_ptr<client_shard>> retired_;
  std::size_t row_begin_ = 0;  // the row started last: [row_begin_, next_row_)
  std::size_t next_row_ = 0;
  bool explaining_ = false;  // a fatal 4011 waits for GET /gateway/bot to say what is needed
  stage stage_ = stage::idle;
};

shard_manager::shard_manager(asio::io_context& io, manager_options options)
    : impl_(std::make_shared<impl>(io, std::move(options))) {}

shard_manager::~shard_manager() {
  // Coroutines may hold the impl a little longer; they must no longer call out.
  impl_->dispatch_callback_ = nullptr;
  impl_->lifecycle_callback_ = nullptr;
  impl_->event_callback_ = nullptr;
  ++impl_->generation_;
  impl_->stage_ = impl::stage::stopped;  // a fetch still under way starts nothing
  impl_->row_timer_.cancel();
  impl_->slots_.clear();
  impl_->retired_.clear();
}

void shard_manager::on_dispatch(std::function<void(const dispatch_event&)> callback) {
  impl_->dispatch_callback_ = std::move(callback);
}

void shard_manager::on_lifecycle(std::function<void(const lifecycle_event&)> callback) {
  impl_->lifecycle_callback_ = std::move(callback);
}

void shard_manager::on_event(std::function<void(const manager_event&)> callback) {
  impl_->event_callback_ = std::move(callback);
}

std::error_code shard_manager::start() {
  if (impl_->stage_ != impl::stage::idle) {
    return error::shard_stopped;
  }
  if (auto ec = impl_->check_options()) {
    return ec;
  }
  impl_->start();

  return {};
}

void shard_manager::close() {
  asio::dispatch(impl_->strand_, [self = impl_] { self->close(); });
}

std::vector<shard_status> shard_manager::status() const {
  std::vector<shard_status> out;
  for (const auto& s : impl_->slots_) {
    out.push_back(s.status);
  }
  return out;
}

std::uint32_t shard_manager::shard_count() const {
  return impl_->count_;
}

bool shard_manager::is_stopped() const {
  return impl_->stage_ == impl::stage::stopped;
}

}  // namespace gatehouse::shards
