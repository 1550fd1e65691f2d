// The hot path: a dispatch on an active session is scanned, checked and delivered without one
// heap allocation. Counts every allocation of this test binary through a replaced operator new.
#include "core/shard.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "gateway_pair.hpp"

namespace {
std::atomic<std::size_t> allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) {
    return p;
  }
  throw std::bad_alloc();
}

void* operator new[](std::size_t n) {
  return ::operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace gatehouse::core {
namespace {

using testing::gateway_pair;

// A dispatch as the transport hands it over: in a buffer with simdjson's padding after it.
std::string padded_dispatch(std::uint64_t seq) {
  std::string text = R"({"t":"MESSAGE_CREATE","s":)" + std::to_string(seq) +
                     R"(,"op":0,"d":{"id":"1090079689072201819","content":"hello",)"
                     R"("author":{"id":"53908099506183680","bot":false},"mentions":[]}})";
  return text + std::string(64, ' ');
}

TEST(shard_allocation_test, dispatch_on_active_session_does_not_allocate) {
  gateway_pair g;
  g.start();
  ASSERT_TRUE(g.client().is_active());
  shard& s = g.client();

  std::vector<std::string> messages;
  for (std::uint64_t seq = 2; seq < 1100; ++seq) {
    messages.push_back(padded_dispatch(seq));
  }
  auto deliver = [&](const std::string& m) {
    s.handle_message(std::string_view(m.data(), m.size() - 64), g.now(), 64);
    std::size_t n = 0;
    while (auto e = s.poll_event()) {
      n += std::holds_alternative<dispatch_event>(*e) ? 1 : 0;
    }
    return n;
  };

  // Buffers grow on the first messages and are reused after.
  for (std::size_t i = 0; i < 100; ++i) {
    ASSERT_EQ(deliver(messages[i]), 1u);
  }
  const std::size_t before = allocations.load();
  std::size_t delivered = 0;
  for (std::size_t i = 100; i < messages.size(); ++i) {
    delivered += deliver(messages[i]);
  }
  EXPECT_EQ(allocations.load() - before, 0u);
  EXPECT_EQ(delivered, messages.size() - 100);
}

TEST(shard_allocation_test, counter_sees_allocations) {
  const std::size_t before = allocations.load();
  auto p = std::make_unique<std::string>(100, 'x');
  EXPECT_GT(allocations.load(), before);
}

}  // namespace
}  // namespace gatehouse::core
