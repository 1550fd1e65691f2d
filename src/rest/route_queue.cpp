// Per-route turns, handed on by cancelling the next waiter's timer.
#include "rest/route_queue.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gatehouse::rest {

boost::asio::awaitable<route_queue::turn> route_queue::enter(std::string key) {
  namespace asio = boost::asio;
  auto [it, first] = lines_.try_emplace(key);
  if (!first) {
    // A timer that never expires; leave() cancels it when this caller's turn comes.
    asio::steady_timer wake(ex_, asio::steady_timer::time_point::max());
    it->second.waiting.push_back(&wake);
    boost::system::error_code ignored;
    co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return turn(this, std::move(key));
}

void route_queue::leave(const std::string& key) {
  const auto it = lines_.find(key);
  if (it == lines_.end()) {
    return;
  }
  if (it->second.waiting.empty()) {
    lines_.erase(it);
    return;
  }
  boost::asio::steady_timer* next = it->second.waiting.front();
  it->second.waiting.pop_front();
  next->cancel();
}

}  // namespace gatehouse::rest
