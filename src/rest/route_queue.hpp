// First-come, first-served turns per route: a request holds its route's turn from its first
// rate-limit check until its response is learnt, so the next one on the route waits for the
// bucket the response reported. Turns on different routes never wait for each other.
//
// Not thread-safe: use from the one thread (or strand) that runs its executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <string>
#include <unordered_map>

namespace gatehouse::rest {

class route_queue {
 public:
  // Holds a route's turn until destroyed; moving passes it on.
  class turn {
   public:
    turn(turn&& other) noexcept : queue_(other.queue_), key_(std::move(other.key_)) {
      other.queue_ = nullptr;
    }
    turn& operator=(turn&&) = delete;
    ~turn() {
      if (queue_ != nullptr) {
        queue_->leave(key_);
      }
    }

   private:
    friend class route_queue;
    turn(route_queue* queue, std::string key) : queue_(queue), key_(std::move(key)) {}

    route_queue* queue_;
    std::string key_;
  };

  explicit route_queue(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

  // Completes when every earlier caller with the same `key` has released its turn.
  boost::asio::awaitable<turn> enter(std::string key);

  // Routes with a turn held or awaited.
  std::size_t busy_routes() const { return lines_.size(); }

 private:
  // A route's line: present while someone holds the turn, with the callers waiting behind.
  struct line {
    std::deque<boost::asio::steady_timer*> waiting;
  };

  void leave(const std::string& key);

  boost::asio::any_io_executor ex_;
  std::unordered_map<std::string, line> lines_;
};

}  // namespace gatehouse::rest
