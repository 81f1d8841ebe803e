// Sensor: the loaded and attached BPF programs and their maps.
//
// Owns the libbpf skeleton (destroyed with the Sensor), so programs detach
// and maps are freed when it goes away. Move-only. Selection (which syscalls
// are audited) can change while attached.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "c2audit/wire.h"
#include "common/result.h"

struct sensor;  // the generated skeleton

namespace c2audit {

struct SensorOptions {
  uint32_t self_tgid = 0;             // never audited (the daemon)
  uint64_t ring_bytes = 64ull << 20;  // ring buffer size, power of two
  uint64_t wakeup_bytes = 1ull << 20; // wake the consumer once this much is pending
};

// One syscall to audit and how to read its arguments.
struct SelectedSyscall {
  uint32_t nr;
  c2a_syscall_spec spec;
};

class Sensor {
 public:
  // Loads and verifies the programs; fails with the kernel's reason (e.g. no
  // privilege, no BTF). Nothing is attached yet.
  static Result<Sensor> load(const SensorOptions& options);

  Sensor(Sensor&&) noexcept;
  Sensor& operator=(Sensor&&) noexcept;
  ~Sensor();

  // Replaces the selection: every syscall not listed is no longer audited.
  Result<void> select(std::span<const SelectedSyscall> syscalls);

  // Attaches the tracepoint programs; events flow from here on.
  Result<void> attach();

  // Detaches the programs: no new events; what is in the ring buffer stays.
  void detach();

  int ring_fd() const;
  int losses_fd() const;
  uint64_t ring_bytes() const { return ring_bytes_; }

 private:
  Sensor(std::unique_ptr<struct sensor, void (*)(struct sensor*)> skel, uint64_t ring_bytes);
  std::unique_ptr<struct sensor, void (*)(struct sensor*)> skel_;
  uint64_t ring_bytes_;
};

}  // namespace c2audit
