// Deadline: a point on the monotonic clock that a whole operation's waits
// must not pass, however many waits it takes (a peer that trickles a byte
// at a time cannot stretch it).
#pragma once

#include <algorithm>
#include <chrono>

namespace c2audit {

class Deadline {
 public:
  explicit Deadline(int seconds) : at_(std::chrono::steady_clock::now() + std::chrono::seconds(seconds)) {}

  // Milliseconds left; 0 once passed.
  int remaining_ms() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - std::chrono::steady_clock::now());
    return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1'000'000'000));
  }

 private:
  std::chrono::steady_clock::time_point at_;
};

}  // namespace c2audit
