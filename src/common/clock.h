// Clocks: the sensor stamps events with CLOCK_BOOTTIME (monotonic, counts
// suspend); the trail wants wall-clock UTC.
#pragma once

#include <time.h>

#include <cstdint>

namespace c2audit {

inline int64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline uint64_t boottime_ns() { return clock_ns(CLOCK_BOOTTIME); }
inline int64_t realtime_ns() { return clock_ns(CLOCK_REALTIME); }

// Converts boottime stamps to wall-clock time. The offset is re-read on
// demand so that a clock step (settimeofday) is followed.
class BootToWallClock {
 public:
  BootToWallClock() { refresh(); }
  void refresh() { offset_ns_ = realtime_ns() - static_cast<int64_t>(boottime_ns()); }
  // A stamp past what int64 holds (only a garbled one can be) saturates.
  int64_t to_wall(uint64_t boot_ns) const {
    int64_t wall = 0;
    if (boot_ns > static_cast<uint64_t>(INT64_MAX) ||
        __builtin_add_overflow(static_cast<int64_t>(boot_ns), offset_ns_, &wall)) {
      return INT64_MAX;
    }
    return wall;
  }

 private:
  int64_t offset_ns_ = 0;
};

}  // namespace c2audit
