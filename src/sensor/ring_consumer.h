// RingConsumer: drains the sensor's ring buffer and hands each raw record to a
// callback, in the order the kernel committed them. Owns the libbpf
// ring_buffer (freed with it). Single-threaded: poll() from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "common/result.h"

struct ring_buffer;

namespace c2audit {

class RingConsumer {
 public:
  // Called once per record; the bytes are valid only during the call.
  using Handler = std::function<void(std::span<const uint8_t> record)>;

  static Result<RingConsumer> open(int ring_fd, Handler handler);

  RingConsumer(RingConsumer&&) noexcept;
  RingConsumer& operator=(RingConsumer&&) noexcept;
  ~RingConsumer();

  // Waits up to timeout_ms for data, then consumes everything pending.
  // Returns the number of records handled.
  Result<int> poll(int timeout_ms);

  // Consumes everything pending without waiting.
  Result<int> drain();

  // Bytes committed but not yet consumed.
  uint64_t pending_bytes() const;

  int epoll_fd() const;

  struct State;  // defined in the .cc; public so the C callback can reach it

 private:
  explicit RingConsumer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace c2audit
