#include "sensor/sensor.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "sensor.skel.h"

namespace c2audit {
namespace {

std::string errno_text(int err) { return std::strerror(err < 0 ? -err : err); }

// libbpf prints verifier logs through this; keep warnings, drop debug chatter.
int print_libbpf(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  return vfprintf(stderr, format, args);
}

}  // namespace

Sensor::Sensor(std::unique_ptr<struct sensor, void (*)(struct sensor*)> skel, uint64_t ring_bytes)
    : skel_(std::move(skel)), ring_bytes_(ring_bytes) {}
Sensor::Sensor(Sensor&&) noexcept = default;
Sensor& Sensor::operator=(Sensor&&) noexcept = default;
Sensor::~Sensor() = default;

Result<Sensor> Sensor::load(const SensorOptions& options) {
  libbpf_set_print(print_libbpf);
  std::unique_ptr<struct sensor, void (*)(struct sensor*)> skel(sensor::open(), sensor::destroy);
  if (!skel) {
    return fail(fmt::format("opening BPF sensor: {}", errno_text(errno)));
  }
  skel->rodata->self_tgid = options.self_tgid;
  skel->rodata->wakeup_bytes = options.wakeup_bytes;
  int err = bpf_map__set_max_entries(skel->maps.events, options.ring_bytes);
  if (err) {
    return fail(fmt::format("ring buffer size {}: {}", options.ring_bytes, errno_text(err)));
  }
  int cpus = libbpf_num_possible_cpus();
  err = cpus > 0 ? bpf_map__set_max_entries(skel->maps.scratch_space, cpus) : cpus;
  if (err) {
    return fail(fmt::format("sizing per-CPU scratch: {}", errno_text(err)));
  }
  err = sensor::load(skel.get());
  if (err) {
    return fail(fmt::format("loading BPF sensor: {}{}", errno_text(err),
                            err == -EPERM ? " (run as root with CAP_BPF and CAP_PERFMON)" : ""));
  }
  return Sensor(std::move(skel), options.ring_bytes);
}

Result<void> Sensor::select(std::span<const SelectedSyscall> syscalls) {
  std::vector<c2a_syscall_spec> table(C2A_SYSCALL_SLOTS);
  for (auto& spec : table) spec = c2a_syscall_spec{};
  for (const auto& s : syscalls) {
    if (s.nr >= C2A_SYSCALL_SLOTS) {
      return fail(fmt::format("syscall number {} is beyond the sensor's table", s.nr));
    }
    table[s.nr] = s.spec;
    table[s.nr].flags |= C2A_SPEC_AUDIT;
  }
  int fd = bpf_map__fd(skel_->maps.syscall_specs);
  for (uint32_t nr = 0; nr < C2A_SYSCALL_SLOTS; ++nr) {
    if (bpf_map_update_elem(fd, &nr, &table[nr], BPF_ANY) != 0) {
      return fail(fmt::format("updating syscall selection: {}", errno_text(errno)));
    }
  }
  return {};
}

Result<void> Sensor::attach() {
  int err = sensor::attach(skel_.get());
  if (err) {
    return fail(fmt::format("attaching BPF sensor: {}", errno_text(err)));
  }
  return {};
}

void Sensor::detach() { sensor::detach(skel_.get()); }

int Sensor::ring_fd() const { return bpf_map__fd(skel_->maps.events); }
int Sensor::losses_fd() const { return bpf_map__fd(skel_->maps.losses); }

}  // namespace c2audit
