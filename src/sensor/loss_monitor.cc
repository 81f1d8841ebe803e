#include "sensor/loss_monitor.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"

namespace c2audit {

LossMonitor::LossMonitor(int losses_fd) : fd_(losses_fd) {
  int cpus = libbpf_num_possible_cpus();
  size_t n = cpus > 0 ? cpus : 1;
  seen_count_.assign(n, 0);
  last_check_ns_.assign(n, boottime_ns());
}

Result<std::vector<LossReport>> LossMonitor::check() {
  std::vector<c2a_loss> per_cpu(seen_count_.size());
  uint32_t key = 0;
  uint64_t now = boottime_ns();
  if (bpf_map_lookup_elem(fd_, &key, per_cpu.data()) != 0) {
    return fail(fmt::format("reading loss counters: {}", std::strerror(errno)));
  }
  std::vector<LossReport> reports;
  for (uint32_t cpu = 0; cpu < per_cpu.size(); ++cpu) {
    uint64_t count = per_cpu[cpu].count;
    if (count > seen_count_[cpu]) {
      reports.push_back({cpu, count - seen_count_[cpu], last_check_ns_[cpu], per_cpu[cpu].last_ns});
      total_ += count - seen_count_[cpu];
      seen_count_[cpu] = count;
    }
    last_check_ns_[cpu] = now;
  }
  return reports;
}

}  // namespace c2audit
