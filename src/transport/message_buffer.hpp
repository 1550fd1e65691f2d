// A reusable byte buffer that always keeps spare bytes after its contents, so that simdjson can
// parse a message in place (it reads up to SIMDJSON_PADDING bytes past the end).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

namespace gatehouse::transport {

class message_buffer {
 public:
  // Readable bytes kept after the contents; equals simdjson::SIMDJSON_PADDING.
  static constexpr std::size_t padding = 64;

  message_buffer() = default;
  message_buffer(const message_buffer&) = delete;
  message_buffer& operator=(const message_buffer&) = delete;

  // Writable space after the contents, at least `at_least` bytes; call commit() with the number
  // of bytes written. Grows geometrically so that a steady stream of messages stops allocating.
  std::span<char> prepare(std::size_t at_least);
  void commit(std::size_t n) { size_ += n; }

  void append(std::string_view bytes);

  // Forgets the contents and keeps the memory.
  void clear() { size_ = 0; }

  // Forgets the first `n` bytes; what follows moves to the front.
  void consume(std::size_t n);

  // Gives the memory back when empty and holding more than `limit` bytes, so that a connection
  // that has gone quiet after a burst does not keep the burst's buffer.
  void release_above(std::size_t limit);

  std::string_view view() const { return {data_.get(), size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return capacity_; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;  // allocated bytes, padding included
};

}  // namespace gatehouse::transport
