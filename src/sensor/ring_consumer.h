// RingConsumer: drains the sensor's BPF ring buffer and hands each raw record
// to a callback, in the order the kernel committed them. Single-threaded:
// poll(), wait() and drain() from one thread.
//
// Not libbpf's ring_buffer, for two reasons measured in bench/ (see
// docs/benchmark.md): it publishes the consumer position after every record,
// so the producing CPU misses on that cache line for every event, and it maps
// the whole ring (twice, for wrap-around), which puts 2x the ring size into
// the daemon's resident memory. This consumer publishes its position in
// steps, and maps only a sliding window of the data area.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "common/result.h"

namespace c2audit {

class RingConsumer {
 public:
  // Called once per record; the bytes are valid only during the call.
  using Handler = std::function<void(std::span<const uint8_t> record)>;

  // `ring_fd` is a BPF_MAP_TYPE_RINGBUF of `ring_bytes` (a power of two).
  static Result<RingConsumer> open(int ring_fd, uint64_t ring_bytes, Handler handler);

  RingConsumer(RingConsumer&&) noexcept;
  RingConsumer& operator=(RingConsumer&&) noexcept;
  ~RingConsumer();

  // Waits up to timeout_ms for the sensor's wakeup (it wakes us only past a
  // fill threshold), then consumes everything pending, woken or not.
  // Returns the number of records handled.
  Result<int> poll(int timeout_ms);

  // Waits up to timeout_ms for the sensor's wakeup; consumes nothing.
  Result<void> wait(int timeout_ms);

  // Consumes everything pending without waiting.
  Result<int> drain();

  // Bytes committed but not yet consumed.
  uint64_t pending_bytes() const;

  // The sensor's committed position and the position given back to it
  // (every 256 KiB consumed): their difference is what the sensor cannot
  // reuse yet. Safe from any thread: it reads only the two positions the
  // kernel shares.
  uint64_t produced_position() const;
  uint64_t released_position() const;

  struct State;

 private:
  explicit RingConsumer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace c2audit
