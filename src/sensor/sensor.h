// Sensor: the loaded and attached BPF programs and their maps.
//
// Owns the libbpf skeleton (destroyed with the Sensor), so programs detach
// and maps are freed when it goes away. Move-only. Selection (which syscalls
// are audited) can change while attached.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "c2audit/wire.h"
#include "common/file_descriptor.h"
#include "common/result.h"
#include "policy/watched_files.h"
#include "sensor/kernel_filter.h"

struct sensor;  // the generated skeleton

namespace c2audit {

struct SensorOptions {
  uint32_t self_tgid = 0;             // never audited (the daemon)
  uint64_t ring_bytes = 64ull << 20;  // all rings together; each gets an equal power of two
  uint32_t ring_count = 1;            // one per consumer: CPU c writes into ring c % ring_count
  uint64_t wakeup_bytes =
      1ull << 20;  // wake the consumer each time a CPU hands this much more over (rounded down to a
                   // power of two, the share of a ring's CPUs within a quarter of it)
};

class Sensor {
 public:
  // Loads and verifies the programs; fails with the kernel's reason (e.g. no
  // privilege, no BTF). Nothing is attached yet.
  static Result<Sensor> load(const SensorOptions& options);

  Sensor(Sensor&&) noexcept;
  Sensor& operator=(Sensor&&) noexcept;
  ~Sensor();

  // Puts a compiled policy in force under `generation`: written into the slot
  // not in force, then made active with one store, so every syscall is judged
  // by one whole policy — the one in force at its exit.
  // `watched`: the identities of the files the policy names (watched_files.h).
  Result<void> install_policy(const KernelFilter& filter, uint32_t generation,
                              const std::map<FileIdentity, uint64_t>& watched);

  // The policy in force's watched files have new identities (a file was
  // replaced, created or removed): the new ones are added before the old
  // ones go, so neither is unwatched meanwhile.
  Result<void> update_watched(const std::map<FileIdentity, uint64_t>& watched);

  // Events the pre-filter dropped so far (all CPUs).
  uint64_t filtered_count() const;

  // What the kernel's verifier checked of each program at load, as
  // "on_sys_exit 153993, ...": the measure of how close the sensor is to
  // the verifier's limit of 1,000,000 instructions per program.
  std::string verified_instructions() const;

  // Attaches the tracepoint programs; events flow from here on.
  Result<void> attach();

  // Detaches the programs: no new events; what is in the ring buffer stays.
  void detach();

  // The rings, each of ring_bytes(): ring i takes the records of the CPUs c
  // with c % ring_count() == i.
  uint32_t ring_count() const { return static_cast<uint32_t>(rings_.size()); }
  int ring_fd(uint32_t ring) const { return rings_[ring].get(); }
  uint64_t ring_bytes() const { return ring_bytes_; }
  int losses_fd() const;

 private:
  Sensor(std::unique_ptr<struct sensor, void (*)(struct sensor*)> skel,
         std::vector<FileDescriptor> rings, uint64_t ring_bytes);
  void clear_slot(uint32_t slot);
  Result<void> write_slot(uint32_t slot, const KernelFilter& filter, uint32_t generation);
  Result<void> write_watched(uint32_t slot, const std::map<FileIdentity, uint64_t>& watched);
  uint32_t active_slot() const;

  std::unique_ptr<struct sensor, void (*)(struct sensor*)> skel_;
  std::vector<FileDescriptor> rings_;
  uint64_t ring_bytes_;
  // Keys written per slot, so a slot can be emptied before reuse.
  std::array<std::vector<c2a_user_key>, C2A_POLICY_SLOTS> user_keys_;
  std::array<std::vector<c2a_prefix_key>, C2A_POLICY_SLOTS> prefix_keys_;
  std::array<std::vector<c2a_errno_key>, C2A_POLICY_SLOTS> errno_keys_;
  std::array<std::vector<c2a_top_key>, C2A_POLICY_SLOTS> top_keys_;
  std::array<std::vector<c2a_inode_key>, C2A_POLICY_SLOTS> inode_keys_;
};

}  // namespace c2audit
