#include "rest/route_queue.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <vector>

namespace gatehouse::rest {
namespace {

namespace asio = boost::asio;

// Holds the route's turn across two scheduler rounds, logging when it starts and ends.
asio::awaitable<void> hold(route_queue& q, std::string key, std::string name,
                           std::vector<std::string>& log) {
  const route_queue::turn t = co_await q.enter(key);
  log.push_back(name + "+");
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  log.push_back(name + "-");
}

TEST(route_queue_test, turns_on_one_route_go_in_call_order) {
  asio::io_context ioc;
  route_queue q(ioc.get_executor());
  std::vector<std::string> log;
  for (const char* name : {"a", "b", "c"}) {
    asio::co_spawn(ioc, hold(q, "GET /gateway/bot", name, log), asio::detached);
  }
  ioc.run();

  EXPECT_EQ(log, (std::vector<std::string>{"a+", "a-", "b+", "b-", "c+", "c-"}));
  EXPECT_EQ(q.busy_routes(), 0u);
}

TEST(route_queue_test, different_routes_do_not_wait_for_each_other) {
  asio::io_context ioc;
  route_queue q(ioc.get_executor());
  std::vector<std::string> log;
  asio::co_spawn(ioc, hold(q, "GET /gateway/bot", "a", log), asio::detached);
  asio::co_spawn(ioc, hold(q, "GET /users/@me", "b", log), asio::detached);
  ioc.run();

  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0], "a+");
  EXPECT_EQ(log[1], "b+");
}

}  // namespace
}  // namespace gatehouse::rest
