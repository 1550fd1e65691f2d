// A reusable byte buffer with simdjson padding after its contents.
#include "transport/message_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace gatehouse::transport {

std::span<char> message_buffer::prepare(std::size_t at_least) {
  const std::size_t needed = size_ + at_least + padding;
  if (needed > capacity_) {
    const std::size_t grown = std::max({needed, capacity_ * 2, std::size_t{4096}});
    // Zeroed, so that the padding simdjson reads past the end is never uninitialised memory.
    auto bigger = std::make_unique<char[]>(grown);
    if (size_ > 0) {
      std::memcpy(bigger.get(), data_.get(), size_);
    }
    data_ = std::move(bigger);
    capacity_ = grown;
  }

  // The padding stays readable but is never handed out for writing.
  return {data_.get() + size_, capacity_ - padding - size_};
}

void message_buffer::append(std::string_view bytes) {
  if (bytes.empty()) {
    return;
  }
  const auto space = prepare(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  commit(bytes.size());
}

void message_buffer::consume(std::size_t n) {
  n = std::min(n, size_);
  if (n < size_) {
    std::memmove(data_.get(), data_.get() + n, size_ - n);
  }
  size_ -= n;
}

void message_buffer::release_above(std::size_t limit) {
  if (size_ == 0 && capacity_ > limit) {
    data_.reset();
    capacity_ = 0;
  }
}

}  // namespace gatehouse::transport
