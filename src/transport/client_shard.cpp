// The application-facing shard: options checked and mapped onto the core, core events mapped
// onto dispatch and lifecycle callbacks, all on one strand of the caller's io_context.
#include "gatehouse/client_shard.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "core/error.hpp"
#include "core/intents.hpp"
#include "core/token.hpp"
#include "transport/shard_driver.hpp"

namespace gatehouse {

namespace {

// dispatch_event::parse keeps its copy buffer for the next event up to this size.
constexpr std::size_t kept_copy_capacity = 256 * 1024;

core::transport_compression to_core(compression c) {
  switch (c) {
    case compression::zlib_stream:
      return core::transport_compression::zlib_stream;
    case compression::zstd_stream:
      return core::transport_compression::zstd_stream;
    case compression::none:
      break;
  }
  return core::transport_compression::none;
}

std::chrono::milliseconds as_ms(core::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

// JSON text of a string value, escaped.
std::string json_string(std::string_view s) {
  return boost::json::serialize(boost::json::string(s.begin(), s.end()));
}

}  // namespace

simdjson::simdjson_result<simdjson::ondemand::document> dispatch_event::parse(
    simdjson::ondemand::parser& parser) const {
  // simdjson looks at the byte after a document whose root is an object or array: when that
  // byte closes one too, as the envelope's own `}` after `d` does, it walks every structural
  // character of the document to rule out an unbalanced one before reading a field. A copy
  // followed by spaces costs one memcpy instead of that walk.
  const bool closer_follows =
      padding > 0 && (data.data()[data.size()] == '}' || data.data()[data.size()] == ']');
  if (padding >= simdjson::SIMDJSON_PADDING && !closer_follows) {
    return parser.iterate(data.data(), data.size(), data.size() + padding);
  }

  // This thread's buffer keeps the document's bytes until the next parse() on the thread; one
  // huge event does not keep its size for good.
  thread_local std::string copy;
  if (copy.capacity() > kept_copy_capacity && data.size() <= kept_copy_capacity) {
    std::string().swap(copy);
  }
  copy.assign(data);
  copy.append(simdjson::SIMDJSON_PADDING, ' ');

  return parser.iterate(copy.data(), data.size(), copy.size());
}

struct client_shard::impl {
  impl(boost::asio::io_context& io, client_options o)
      : strand(boost::asio::make_strand(io)), options(std::move(o)) {}

  void deliver(const core::event& e) {
    const auto id = options.shard_id;
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, core::dispatch_event>) {
            if (dispatch_callback) {
              dispatch_callback(
                  dispatch_event{v.name, v.sequence, id, v.data, driver->data_padding(v.data)});
            }
          } else {
            if (lifecycle_callback) {
              lifecycle_callback(to_lifecycle(v));
            }
          }
        },
        e);
  }

  lifecycle_event to_lifecycle(const core::hello_event&) const {
    return {.kind = lifecycle_kind::connected, .shard_id = options.shard_id};
  }
  lifecycle_event to_lifecycle(const core::ready_event& v) const {
    return {.kind = lifecycle_kind::ready, .shard_id = options.shard_id, .message = v.session_id};
  }
  lifecycle_event to_lifecycle(const core::resumed_event& v) const {
    return {.kind = lifecycle_kind::resumed, .shard_id = options.shard_id, .replayed = v.replayed};
  }
  lifecycle_event to_lifecycle(const core::reconnecting_event& v) const {
    return {.kind = lifecycle_kind::reconnecting,
            .shard_id = options.shard_id,
            .reason = v.reason,
            .close_code = v.close_code,
            .resume = v.resume,
            .delay = as_ms(v.delay)};
  }
  lifecycle_event to_lifecycle(const core::identify_waiting_event& v) const {
    const auto wait = v.until - std::chrono::steady_clock::now();
    return {.kind = lifecycle_kind::identify_waiting,
            .shard_id = options.shard_id,
            .delay = std::max(as_ms(wait), std::chrono::milliseconds(0))};
  }
  lifecycle_event to_lifecycle(const core::fatal_event& v) const {
    return {.kind = lifecycle_kind::fatal,
            .shard_id = options.shard_id,
            .reason = v.reason,
            .close_code = v.close_code,
            .message = v.message};
  }
  lifecycle_event to_lifecycle(const core::closed_event& v) const {
    return {.kind = lifecycle_kind::closed, .shard_id = options.shard_id, .resume = v.resumable};
  }

  // The core's options from the public ones; fails for a fault a person must fix.
  std::error_code make_shard_options(core::shard_options& out) const {
    std::error_code ec;
    auto token = core::normalize_token(options.token, ec);
    if (ec) {
      return ec;
    }
    if (token.had_bot_prefix) {
      spdlog::warn("token had a \"Bot \" prefix; removed it shard={}", options.shard_id);
    }
    if ((options.intents & ~core::defined_intents) != 0) {
      return error::undefined_intent_bits;
    }
    if (options.shard_count == 0 || options.shard_id >= options.shard_count) {
      return error::invalid_shard;
    }

    out.token = std::move(token.value);
    out.intents = options.intents;
    out.shard_id = options.shard_id;
    out.shard_count = options.shard_count;
    out.send_shard = options.shard_count > 1;
    out.gateway_url = options.gateway_url;
    out.compression = to_core(options.transport_compression);
    out.presence = options.presence;
    out.resume_from = {options.resume_from.session_id, options.resume_from.sequence,
                       options.resume_from.resume_url};
    out.identify = options.identify_queue;
    if (options.advanced) {
      options.advanced(out);
    }
    return {};
  }

  transport::driver_options make_driver_options() const {
    transport::driver_options out;
    out.ca_file = options.ca_file;
    out.connection.compression = to_core(options.transport_compression);
    out.connection.max_message_size = options.max_message_size;
    out.connection.connect_timeout = options.connect_timeout;
    out.connection.handshake_timeout = options.handshake_timeout;
    return out;
  }

  executor_type strand;
  client_options options;
  std::function<void(const dispatch_event&)> dispatch_callback;
  std::function<void(const lifecycle_event&)> lifecycle_callback;
  std::unique_ptr<transport::shard_driver> driver;
};

client_shard::client_shard(boost::asio::io_context& io, client_options options)
    : impl_(std::make_unique<impl>(io, std::move(options))) {}

client_shard::~client_shard() = default;

void client_shard::on_dispatch(std::function<void(const dispatch_event&)> callback) {
  impl_->dispatch_callback = std::move(callback);
}

void client_shard::on_lifecycle(std::function<void(const lifecycle_event&)> callback) {
  impl_->lifecycle_callback = std::move(callback);
}

std::error_code client_shard::start() {
  if (impl_->driver) {
    return error::shard_stopped;
  }

  core::shard_options shard;
  if (auto ec = impl_->make_shard_options(shard)) {
    return ec;
  }
  impl_->driver = std::make_unique<transport::shard_driver>(
      impl_->strand, std::move(shard), impl_->make_driver_options(),
      [impl = impl_.get()](const core::event& e) { impl->deliver(e); });

  // A refused URL or CA file leaves the shard as if start() had not been called.
  if (auto ec = impl_->driver->start()) {
    impl_->driver.reset();
    return ec;
  }

  return {};
}

std::error_code client_shard::send_command(command_opcode op, std::string_view data) {
  if (!impl_->driver) {
    return error::shard_stopped;
  }

  return impl_->driver->send_command(static_cast<core::opcode>(op), data);
}

std::error_code client_shard::update_presence(std::string_view status, std::string_view activity) {
  // A bot's custom status is activity type 4 with the text in `state`.
  std::string d = R"({"since":null,"afk":false,"status":)" + json_string(status);
  if (activity.empty()) {
    d += R"(,"activities":[]})";
  } else {
    d += R"(,"activities":[{"name":"Custom Status","type":4,"state":)" + json_string(activity) +
         "}]}";
  }

  return send_command(command_opcode::presence_update, d);
}

void client_shard::close() {
  if (impl_->driver) {
    impl_->driver->close();
  }
}

session_handle client_shard::close_for_restart() {
  if (!impl_->driver) {
    return {};
  }
  auto s = impl_->driver->close_for_restart();

  return {std::move(s.session_id), s.sequence, std::move(s.resume_url)};
}

bool client_shard::is_active() const {
  return impl_->driver && impl_->driver->shard().is_active();
}

std::uint32_t client_shard::shard_id() const {
  return impl_->options.shard_id;
}

client_shard::executor_type client_shard::get_executor() const {
  return impl_->strand;
}

}  // namespace gatehouse
