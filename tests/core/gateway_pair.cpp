// The scripted fake gateway of the core tests.
#include "gateway_pair.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace gatehouse::core::testing {

namespace json = boost::json;

shard_options gateway_pair::default_options() {
  shard_options o;
  o.token = std::string(test_token);
  o.intents = 513;  // GUILDS | GUILD_MESSAGES
  o.gateway_url = std::string(test_gateway);
  return o;
}

gateway_pair::gateway_pair(shard_options options)
    : client_([&] {
        if (!options.random) {
          options.random = [this] { return random_value; };
        }
        return std::move(options);
      }()) {}

void gateway_pair::start() {
  client_.start(now_);
  pump();
}

void gateway_pair::advance(duration d) {
  pump();
  const time_point target = now_ + d;
  for (int guard = 0; guard < 1000000; ++guard) {
    const auto next = client_.poll_timeout();
    if (!next || *next > target) {
      now_ = target;
      return;
    }
    now_ = std::max(now_, *next);
    client_.handle_timeout(now_);
    pump();
  }
  ADD_FAILURE() << "the shard's deadline does not move forward";
}

void gateway_pair::dispatch(std::string_view type, std::string_view d) {
  dispatch_missed(type, d);
  if (open_) {
    inbox_.push_back(history_.back().second);
    pump();
  }
}

void gateway_pair::dispatch_missed(std::string_view type, std::string_view d) {
  ++seq_;
  history_.emplace_back(seq_, R"({"t":")" + std::string(type) + R"(","s":)" + std::to_string(seq_) +
                                  R"(,"op":0,"d":)" + std::string(d) + "}");
}

void gateway_pair::send(std::string_view text) {
  if (open_) {
    inbox_.emplace_back(text);
    pump();
  }
}

void gateway_pair::server_close(std::uint16_t code) {
  if (!open_) {
    return;
  }
  open_ = false;
  inbox_.clear();
  client_.handle_close(code, "", now_);
  pump();
}

std::vector<sent_payload> gateway_pair::sent_with(int op) const {
  std::vector<sent_payload> out;
  for (const auto& s : sent) {
    if (s.op == op) {
      out.push_back(s);
    }
  }
  return out;
}

void gateway_pair::pump() {
  for (;;) {
    while (drain()) {
    }
    if (!open_ || inbox_.empty()) {
      return;
    }
    // Kept until the next message: the events it brings view it until drain() copies them.
    last_message_ = std::move(inbox_.front());
    const std::string& text = last_message_;
    inbox_.pop_front();
    // Like the real gateway, it counts the connection authenticated once it
    // sent READY or RESUMED.
    if (text.find(R"("t":"READY")") != std::string::npos ||
        text.find(R"("t":"RESUMED")") != std::string::npos) {
      authenticated_ = true;
    }
    client_.handle_message(text, now_);
  }
}

bool gateway_pair::drain() {
  bool any = false;

  // Events first: dispatches view the last message and must be copied before the next input.
  while (auto e = client_.poll_event()) {
    if (const auto* d = std::get_if<dispatch_event>(&*e)) {
      dispatches.push_back({std::string(d->name), d->sequence, std::string(d->data)});
    } else {
      lifecycle.push_back(std::move(*e));
    }
    any = true;
  }
  if (auto c = client_.poll_close()) {
    closes.push_back(std::move(*c));
    open_ = false;
    inbox_.clear();
    any = true;
  }
  while (auto o = client_.poll_transmit()) {
    EXPECT_TRUE(open_) << "a payload was sent with no open connection: " << o->payload;
    answer(*o);
    any = true;
  }
  if (auto c = client_.poll_connect()) {
    connects.push_back(std::move(*c));
    if (accept_connections) {
      ++connection_;
      open_ = true;
      authenticated_ = false;
      client_.handle_open(now_);
      if (auto_hello) {
        inbox_.push_back(
            R"({"t":null,"s":null,"op":10,"d":{"heartbeat_interval":)" +
            std::to_string(std::chrono::duration_cast<milliseconds>(heartbeat_interval).count()) +
            R"(,"_trace":["test"]}})");
      }
    } else {
      client_.handle_error(error::connect_failed, now_);
    }
    any = true;
  }
  return any;
}

void gateway_pair::answer(const outgoing& o) {
  json::value v = json::parse(o.payload);
  const int op = static_cast<int>(v.at("op").as_int64());
  EXPECT_EQ(op, static_cast<int>(o.op));
  EXPECT_LE(o.payload.size(), 4096u);
  EXPECT_TRUE(is_sendable(op)) << o.payload;
  // What the real gateway answers with 4003 (G01).
  EXPECT_TRUE(authenticated_ || is_allowed_before_auth(op)) << o.payload;
  sent.push_back({op, v.at("d"), o.payload, now_, connection_});

  if (op == 1 && auto_ack) {
    inbox_.push_back(R"({"t":null,"s":null,"op":11,"d":null})");
  } else if (op == 2 && auto_ready) {
    send_ready();
  } else if (op == 6 && auto_resume) {
    // Replay what followed the client's sequence (and some it saw, if asked), then RESUMED.
    const std::uint64_t from = v.at("d").at("seq").to_number<std::uint64_t>();
    for (const auto& [s, text] : history_) {
      if (s + replay_overlap > from) {
        inbox_.push_back(text);
      }
    }
    ++seq_;
    inbox_.push_back(R"({"t":"RESUMED","s":)" + std::to_string(seq_) + R"(,"op":0,"d":{}})");
  }
}

void gateway_pair::send_ready() {
  // A new session: its own id and sequence, and nothing to replay from before.
  ++session_count_;
  seq_ = 1;
  history_.clear();
  inbox_.push_back(R"({"t":"READY","s":1,"op":0,"d":{"v":10,"user":{"id":"1","bot":true},)"
                   R"("guilds":[],"session_id":"session-)" +
                   std::to_string(session_count_) + R"(","resume_gateway_url":")" + resume_url +
                   R"(","shard":[0,1],"application":{"id":"1","flags":0}}})");
}

}  // namespace gatehouse::core::testing
