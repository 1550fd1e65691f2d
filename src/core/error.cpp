// The gatehouse error category: messages, and which condition each error belongs to.
#include "core/error.hpp"

#include <string>

namespace gatehouse {
namespace {

error_condition_kind condition_of(error e) {
  switch (e) {
    case error::payload_too_large:
    case error::receive_only_opcode:
    case error::reserved_opcode:
    case error::command_queue_full:
    case error::shard_stopped:
    case error::invalid_payload:
      return error_condition_kind::local_refusal;
    case error::invalid_token:
    case error::unknown_intent:
    case error::undefined_intent_bits:
    case error::invalid_shard:
      return error_condition_kind::configuration;
    case error::fatal_close:
      return error_condition_kind::fatal;
    default:
      return error_condition_kind::reconnectable;
  }
}

class gateway_category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "gatehouse"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::payload_too_large:
        return "payload over 4096 bytes refused";
      case error::receive_only_opcode:
        return "opcode is receive-only and cannot be sent";
      case error::reserved_opcode:
        return "heartbeat, identify and resume are sent by the shard itself";
      case error::command_queue_full:
        return "command queue is full";
      case error::shard_stopped:
        return "shard has stopped";
      case error::invalid_payload:
        return "command data is not one JSON value";
      case error::invalid_token:
        return "invalid token format";
      case error::unknown_intent:
        return "unknown intent name";
      case error::undefined_intent_bits:
        return "intents contain undefined bits";
      case error::invalid_shard:
        return "shard id is not below the shard count";
      case error::hello_timeout:
        return "no hello from the gateway in time";
      case error::ready_timeout:
        return "no ready or resumed from the gateway in time";
      case error::zombied_connection:
        return "heartbeat not acknowledged: connection zombied";
      case error::reconnect_requested:
        return "gateway requested a reconnect";
      case error::session_invalidated:
        return "gateway invalidated the session";
      case error::connection_closed:
        return "connection closed";
      case error::connect_failed:
        return "could not connect to the gateway";
      case error::decompression_failed:
        return "corrupt compressed stream";
      case error::message_too_large:
        return "inbound message over the size limit";
      case error::malformed_message:
        return "inbound message is not a gateway payload";
      case error::resume_failed:
        return "resume kept failing: starting a new session";
      case error::fatal_close:
        return "gateway closed with a fatal code";
    }
    return "unknown gatehouse error";
  }

  std::error_condition default_error_condition(int ev) const noexcept override {
    return make_error_condition(condition_of(static_cast<error>(ev)));
  }
};

class condition_category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "gatehouse-condition"; }

  std::string message(int ev) const override {
    switch (static_cast<error_condition_kind>(ev)) {
      case error_condition_kind::reconnectable:
        return "reconnectable";
      case error_condition_kind::fatal:
        return "fatal";
      case error_condition_kind::local_refusal:
        return "refused locally";
      case error_condition_kind::configuration:
        return "configuration error";
    }
    return "unknown condition";
  }
};

}  // namespace

const std::error_category& gateway_category() {
  static const gateway_category_impl instance;
  return instance;
}

const std::error_category& gateway_condition_category() {
  static const condition_category_impl instance;
  return instance;
}

std::error_code make_error_code(error e) {
  return {static_cast<int>(e), gateway_category()};
}

std::error_condition make_error_condition(error_condition_kind c) {
  return {static_cast<int>(c), gateway_condition_category()};
}

}  // namespace gatehouse
