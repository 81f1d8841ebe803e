// LossMonitor: turns the kernel's per-CPU loss counters into reports, each
// naming how many events one CPU could not hand over and when (a window in
// CLOCK_BOOTTIME: after the previous check, up to the latest loss).
#pragma once

#include <cstdint>
#include <vector>

#include "c2audit/wire.h"
#include "common/result.h"

namespace c2audit {

struct LossReport {
  uint32_t cpu;
  uint64_t count;
  uint64_t window_start_boot_ns;
  uint64_t window_end_boot_ns;
};

class LossMonitor {
 public:
  explicit LossMonitor(int losses_fd);

  // Reads the counters; returns one report per CPU whose count grew.
  Result<std::vector<LossReport>> check();

  // Every loss reported so far, all CPUs.
  uint64_t total() const { return total_; }

 private:
  int fd_;
  std::vector<uint64_t> seen_count_;     // per CPU, as of the last check
  std::vector<uint64_t> last_check_ns_;  // per CPU, boottime of the last check
  uint64_t total_ = 0;
};

}  // namespace c2audit
