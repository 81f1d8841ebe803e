// Daemon: wires sensor -> consumers (decoder -> objectives -> enricher ->
// trail stream, one thread per ring) and serves the control socket from its
// main thread. It owns every stage; it computes nothing itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/control_protocol.h"
#include "forward/forward_destination.h"
#include "policy/objective_set.h"
#include "trail/storage_policy.h"
#include "trail/trail_writer.h"

namespace c2audit {

// What to do when the consumer is outrun and the ring buffer fills.
enum class OverflowPolicy : uint8_t {
  throttle,  // hold the producing CPUs back (OverflowThrottle), up to a bound
  drop,      // let the ring overflow; every event it cannot take is a `lost` record
};

inline constexpr unsigned kMaxConsumers = 255;  // streams 0..254 (trail_streams.h)
inline constexpr unsigned kMaxAutoConsumers = 64;

struct DaemonOptions {
  TrailOptions trail;
  StoragePolicy storage;                         // flush policy, space_left, disk_full
  bool audit_all = false;                        // --all: every covered syscall
  std::filesystem::path objectives_dir = kDefaultObjectivesDir;
  bool objectives_dir_given = false;             // --objectives: the directory must exist
  // --syscalls: when non-empty, the kernel reports only these syscalls (by
  // name), whatever the policy may want. For benchmarks and tests that must
  // know exactly which events compete for the ring buffer.
  std::vector<std::string> only_syscalls;
  std::filesystem::path control_socket = kDefaultControlSocket;
  unsigned consumers = 0;                        // threads, rings and trail streams; 0: one per CPU
  uint64_t ring_bytes = 64ull << 20;             // all rings together
  uint64_t wakeup_bytes = 1ull << 20;
  OverflowPolicy overflow = OverflowPolicy::throttle;
  bool overflow_given = false;                   // --overflow named: no fallback to drop
  int64_t overflow_wait_ns = 1'000'000'000;      // --overflow-wait: longest hold
  bool live_status = true;                       // one-line status on stderr
  bool user_messages = true;                     // read kernel audit's user messages
  std::vector<ForwardDestination> forward;       // --forward: the collectors
};

// Set from signal handlers, read by the daemon loop.
struct DaemonSignals {
  std::atomic<bool> stop{false};
  std::atomic<bool> reload{false};
  std::atomic<int> reload_pid{0};  // who sent SIGHUP
  std::atomic<uint32_t> reload_uid{0};
};

class Daemon {
 public:
  // Opens the trail, loads the sensor, starts the control socket and
  // attaches; records a `daemon` start and a `config` record.
  static Result<Daemon> start(const DaemonOptions& options);

  Daemon(Daemon&&) noexcept;
  Daemon& operator=(Daemon&&) noexcept;
  ~Daemon();

  // Consumes events until `signals.stop` is set, then detaches, drains what
  // the kernel still holds and records the stop. Reloads the objectives when
  // `signals.reload` is set (SIGHUP). Fails only when the trail cannot be
  // written.
  Result<void> run(DaemonSignals& signals);

  // The policy in force, e.g. "default C2 baseline".
  std::string policy_description() const;
  std::string sensor_verified_instructions() const;

 private:
  struct Parts;
  explicit Daemon(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace c2audit
