#include "daemon/daemon.h"

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/clock.h"
#include "control/control_server.h"
#include "daemon/daemon_stats.h"
#include "daemon/trail_lock.h"
#include "pipeline/enricher.h"
#include "pipeline/event_decoder.h"
#include "pipeline/syscall_table.h"
#include "policy/kernel_filter.h"
#include "policy/objective_set.h"
#include "policy/policy_store.h"
#include "sensor/loss_monitor.h"
#include "sensor/overflow_throttle.h"
#include "sensor/ring_consumer.h"
#include "sensor/sensor.h"
#include "trail/trail_keeper.h"

namespace c2audit {
namespace {

constexpr int kPollTimeoutMs = 100;          // also the loss-check period
// While the throttle holds the producers, no sensor wakeup may come: look
// again soon.
constexpr int kHoldingPollTimeoutMs = 1;
constexpr int64_t kStatusPeriodNs = 1'000'000'000;

uint32_t policy_generation_of(std::span<const uint8_t> raw) {
  uint32_t generation = 0;
  constexpr size_t kAt = offsetof(c2a_event, policy_generation);
  if (raw.size() >= kAt + sizeof(generation)) std::memcpy(&generation, raw.data() + kAt, sizeof(generation));
  return generation;
}

// The kernel filter of a policy, narrowed to the syscalls named in `only`
// when given (--syscalls; every name must be a covered syscall).
Result<KernelFilter> kernel_filter_for(const ObjectiveSet& policy,
                                       const std::vector<std::string>& only) {
  KernelFilter filter = compile_kernel_filter(policy);
  if (only.empty()) return filter;
  std::vector<uint32_t> kept;
  for (const auto& name : only) {
    const SyscallInfo* info = find_syscall(name);
    if (!info) return fail(fmt::format("--syscalls: {} is not a covered syscall", name));
    kept.push_back(info->nr);
  }
  for (uint32_t nr = 0; nr < filter.syscalls.size(); ++nr) {
    if (std::find(kept.begin(), kept.end(), nr) == kept.end()) filter.syscalls[nr] = {};
  }
  return filter;
}

AuditRecord self_record(RecordKind kind, std::string message) {
  AuditRecord rec;
  rec.kind = kind;
  rec.event = kind == RecordKind::config ? "config" : "daemon";
  rec.time_ns = realtime_ns();
  rec.pid = rec.tid = getpid();
  rec.ppid = getppid();
  rec.uid = rec.euid = getuid();
  rec.gid = rec.egid = getgid();
  rec.message = std::move(message);
  return rec;
}

}  // namespace

struct Daemon::Parts {
  DaemonOptions options;
  std::optional<TrailLock> lock;
  std::optional<TrailKeeper> writer;
  std::optional<PolicyStore> policies;
  std::optional<Sensor> sensor;
  std::optional<RingConsumer> ring;
  std::unique_ptr<OverflowThrottle> throttle;  // --overflow throttle
  uint64_t bounds_recorded = 0;                 // its episodes ended by the bound, recorded
  std::string throttle_unavailable;             // why the default throttle could not start
  std::optional<LossMonitor> losses;
  std::optional<ControlServer> control;
  BootToWallClock clock;
  EventDecoder decoder{clock};
  Enricher enricher;
  AuditRecord scratch;
  DaemonStats stats;
  DaemonIdentity identity;
  std::optional<Error> write_error;
  int64_t last_status_ns = 0;
  uint64_t received_at_last_status = 0;

  void on_raw_record(std::span<const uint8_t> raw);
  void record_overflow_bound();
  Result<void> start_throttle();
  Result<void> install_in_kernel(const ObjectiveSet& policy, uint32_t generation);
  Result<void> put_in_force(ObjectiveSet next);
  std::string reload(const std::string& who);
  void append(AuditRecord& rec);
  void record_losses();
  void snapshot();
  void tick();
  Result<void> flush();
};

void Daemon::Parts::append(AuditRecord& rec) {
  if (write_error) return;
  if (auto ok = writer->append(rec); !ok) write_error = ok.error();
}

void Daemon::Parts::on_raw_record(std::span<const uint8_t> raw) {
  ++stats.received;
  if (!decoder.decode(raw, scratch)) {
    ++stats.decode_errors;
    return;
  }
  const Objective* objective = policies->for_generation(policy_generation_of(raw)).match(scratch);
  if (!objective) {
    ++stats.not_selected;
    return;
  }
  enricher.enrich(scratch);
  scratch.objective = objective->name;
  scratch.criticality = objective->criticality;
  uint64_t not_kept_before = writer->not_kept();
  append(scratch);
  if (writer->not_kept() == not_kept_before) ++stats.recorded;  // else: suspended, counted there
}

// An episode of the throttle that ended at its bound is recorded: from then
// on, what the ring cannot take is lost (and recorded as such).
void Daemon::Parts::record_overflow_bound() {
  if (!throttle) return;
  uint64_t bound_reached = throttle->stats().bound_reached;
  if (bound_reached == bounds_recorded) return;
  bounds_recorded = bound_reached;
  auto rec = self_record(
      RecordKind::daemon,
      fmt::format("overflow: producers held back for {} ms (--overflow-wait) and the ring did not "
                  "drain; events it cannot take are lost and recorded as such",
                  options.overflow_wait_ns / 1'000'000));
  append(rec);
}

// Holds the producers back past half a ring, until a quarter is left. By
// default, where real-time scheduling is not permitted (a container without
// CAP_SYS_NICE), the daemon runs on with --overflow drop and says so in its
// start record; asked for by name, the throttle is required.
Result<void> Daemon::Parts::start_throttle() {
  if (options.overflow != OverflowPolicy::throttle) return {};
  RingConsumer* consumer = &*ring;
  auto started = OverflowThrottle::start({.high_mark_bytes = options.ring_bytes / 2,
                                          .low_mark_bytes = options.ring_bytes / 4,
                                          .max_wait_ns = options.overflow_wait_ns},
                                         [consumer] {
                                           // released first: it never passes produced
                                           uint64_t released = consumer->released_position();
                                           return RingPositions{consumer->produced_position(),
                                                                released};
                                         });
  if (!started && options.overflow_given) return tl::unexpected(started.error());
  if (!started) {
    stats.overflow = "drop";
    throttle_unavailable = started.error().message;
    std::fprintf(stderr, "c2auditd: warning: %s; running with --overflow drop\n",
                 throttle_unavailable.c_str());
    return {};
  }
  throttle = std::move(*started);
  return {};
}

// Each CPU whose loss counter grew becomes one `lost` record.
void Daemon::Parts::record_losses() {
  auto reports = losses->check();
  if (!reports) {
    write_error = reports.error();
    return;
  }
  for (const auto& r : *reports) {
    AuditRecord rec;
    rec.kind = RecordKind::lost;
    rec.event = "lost";
    rec.time_ns = realtime_ns();
    rec.lost_count = r.count;
    rec.cpu = r.cpu;
    rec.window_start_ns = clock.to_wall(r.window_start_boot_ns);
    rec.window_end_ns = clock.to_wall(r.window_end_boot_ns);
    append(rec);
    stats.lost += r.count;
  }
}

// Fill level, last seq and segment: cheap, refreshed whenever shown.
void Daemon::Parts::snapshot() {
  stats.ring_fill = ring->pending_bytes();
  stats.filtered = sensor->filtered_count();
  stats.not_kept = writer->not_kept();
  stats.suspended = writer->suspended();
  if (throttle) stats.throttle = throttle->stats();
  identity.policy_generation = policies->generation();
  identity.last_seq = writer->last_seq();
  identity.active_segment = writer->active_segment().filename().native();
}

// Once a period: the event rate, the wall clock offset, the status line.
void Daemon::Parts::tick() {
  int64_t now = realtime_ns();
  if (now - last_status_ns < kStatusPeriodNs) return;
  double seconds = static_cast<double>(now - last_status_ns) / 1e9;
  stats.events_per_s = last_status_ns ? (stats.received - received_at_last_status) / seconds : 0;
  received_at_last_status = stats.received;
  last_status_ns = now;
  clock.refresh();  // follow wall-clock steps
  snapshot();
  if (options.live_status) {
    std::fprintf(stderr, "\r\033[K%s", status_line(stats, identity.last_seq).c_str());
    std::fflush(stderr);
  }
}

Result<void> Daemon::Parts::flush() {
  if (write_error) return tl::unexpected(*write_error);
  return writer->flush();
}

Result<void> Daemon::Parts::install_in_kernel(const ObjectiveSet& policy, uint32_t generation) {
  auto filter = kernel_filter_for(policy, options.only_syscalls);
  if (!filter) return tl::unexpected(filter.error());
  return sensor->install_policy(*filter, generation);
}

Result<void> Daemon::Parts::put_in_force(ObjectiveSet next) {
  if (auto ok = install_in_kernel(next, policies->generation() + 1); !ok) return ok;
  policies->adopt(std::move(next));
  identity.mode = policies->current().description();
  return {};
}

// Validates the objective files, then swaps the policy in kernel and user
// space at once. Either way, the attempt becomes a `config` record.
std::string Daemon::Parts::reload(const std::string& who) {
  std::string outcome;
  if (options.audit_all) {
    outcome = "rejected: running with --all, which ignores the objectives";
  } else if (auto next = ObjectiveSet::load_dir(options.objectives_dir, options.objectives_dir_given);
             !next) {
    outcome = fmt::format("rejected: {}; the policy in force stays", next.error().message);
  } else {
    std::string what = fmt::format("{}: {} objectives from [{}]", next->description(),
                                   next->objectives().size(), fmt::join(next->files(), ", "));
    auto ok = put_in_force(std::move(*next));
    outcome = ok ? fmt::format("accepted: {} (generation {})", what, policies->generation())
                 : fmt::format("rejected: {}; the policy in force stays", ok.error().message);
  }
  auto rec = self_record(RecordKind::config, fmt::format("reload by {} {}", who, outcome));
  append(rec);
  return outcome;
}

Daemon::Daemon(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Daemon::Daemon(Daemon&&) noexcept = default;
Daemon& Daemon::operator=(Daemon&&) noexcept = default;
Daemon::~Daemon() = default;

Result<Daemon> Daemon::start(const DaemonOptions& options) {
  auto p = std::make_unique<Parts>();
  p->options = options;
  auto policy = options.audit_all ? Result<ObjectiveSet>(ObjectiveSet::audit_all())
                                  : ObjectiveSet::load_dir(options.objectives_dir,
                                                           options.objectives_dir_given);
  if (!policy) return tl::unexpected(with_context("objectives", policy.error()));
  p->policies.emplace(std::move(*policy));

  auto lock = TrailLock::acquire(options.trail.dir);
  if (!lock) return tl::unexpected(lock.error());
  p->lock.emplace(std::move(*lock));
  auto writer = TrailKeeper::open(options.trail, options.storage, [](std::string message) {
    return self_record(RecordKind::daemon, std::move(message));
  });
  if (!writer) return tl::unexpected(with_context("opening trail", writer.error()));
  p->writer.emplace(std::move(*writer));

  auto sensor =
      Sensor::load({static_cast<uint32_t>(getpid()), options.ring_bytes, options.wakeup_bytes});
  if (!sensor) return tl::unexpected(sensor.error());
  p->sensor.emplace(std::move(*sensor));
  const ObjectiveSet& initial = p->policies->current();
  if (auto ok = p->install_in_kernel(initial, p->policies->generation()); !ok) {
    return tl::unexpected(ok.error());
  }

  auto control = ControlServer::listen(options.control_socket);
  if (!control) return tl::unexpected(control.error());
  p->control.emplace(std::move(*control));

  Parts* raw = p.get();
  auto ring = RingConsumer::open(p->sensor->ring_fd(), p->sensor->ring_bytes(),
                                 [raw](std::span<const uint8_t> r) { raw->on_raw_record(r); });
  if (!ring) return tl::unexpected(ring.error());
  p->ring.emplace(std::move(*ring));
  p->losses.emplace(p->sensor->losses_fd());
  p->stats.overflow = options.overflow == OverflowPolicy::throttle ? "throttle" : "drop";
  if (auto ok = p->start_throttle(); !ok) return tl::unexpected(ok.error());

  p->identity.pid = getpid();
  p->identity.started_ns = realtime_ns();
  p->identity.mode = initial.description();
  p->identity.trail_dir = options.trail.dir.native();
  p->stats.ring_bytes = options.ring_bytes;
  const TrailResume& resume = p->writer->resume();
  auto start = self_record(RecordKind::daemon,
                           fmt::format("c2auditd {} started; trail resumes after seq {}{}{}", getpid(),
                                       resume.last_seq,
                                       resume.torn_tail ? fmt::format(
                                           " (previous run ended by a crash: torn record in {})",
                                           resume.torn_segment)
                                                        : "",
                                       p->throttle_unavailable.empty()
                                           ? ""
                                           : fmt::format("; overflow: drop ({})",
                                                         p->throttle_unavailable)));
  p->append(start);
  if (auto gap = describe_restart_gap(resume, realtime_ns()); !gap.empty()) {
    auto gap_record = self_record(RecordKind::daemon, std::move(gap));
    p->append(gap_record);
  }
  auto config = self_record(RecordKind::config,
                            fmt::format("policy loaded: {} ({} objectives){}",
                                        initial.description(), initial.objectives().size(),
                                        options.only_syscalls.empty()
                                            ? ""
                                            : fmt::format("; kernel reports only {}",
                                                          fmt::join(options.only_syscalls, ","))));
  p->append(config);
  if (auto ok = p->flush(); !ok) return tl::unexpected(ok.error());

  if (auto ok = p->sensor->attach(); !ok) return tl::unexpected(ok.error());
  return Daemon(std::move(p));
}

std::string Daemon::policy_description() const { return parts_->policies->current().description(); }

Result<void> Daemon::run(DaemonSignals& signals) {
  Parts& p = *parts_;
  auto handler = [&p](std::string_view request, const ControlPeer& peer) -> std::string {
    if (request == "status") {
      p.snapshot();
      return status_json(p.identity, p.stats).dump();
    }
    if (request == "objectives") return policy_json(p.policies->current(), p.policies->generation()).dump();
    if (request == "reload") {
      std::string outcome = p.reload(fmt::format("uid {} (pid {}, control socket)", peer.uid, peer.pid));
      return nlohmann::json{{"accepted", outcome.starts_with("accepted")}, {"message", outcome}}.dump();
    }
    return R"({"error":"unknown request"})";
  };
  while (!signals.stop.load() && !p.write_error) {
    bool holding = p.throttle && p.throttle->holding();
    if (auto n = p.ring->poll(holding ? kHoldingPollTimeoutMs : kPollTimeoutMs); !n) {
      return tl::unexpected(n.error());
    }
    p.record_overflow_bound();
    p.record_losses();
    if (signals.reload.exchange(false)) {
      p.reload(fmt::format("uid {} (pid {}, SIGHUP)", signals.reload_uid.load(),
                           signals.reload_pid.load()));
    }
    if (auto ok = p.flush(); !ok) return ok;
    p.control->serve_pending(handler);
    p.tick();
  }

  // Stop: no new events, then keep everything the kernel already holds.
  p.sensor->detach();
  p.snapshot();
  p.throttle.reset();  // nothing left to hold back
  if (auto n = p.ring->drain(); !n) return tl::unexpected(n.error());
  p.record_losses();
  auto bye = self_record(RecordKind::daemon,
                         fmt::format("c2auditd {} stopped: {} events recorded, {} lost{}", getpid(),
                                     p.stats.recorded, p.stats.lost, throttle_summary(p.stats)));
  p.append(bye);
  if (p.options.live_status) std::fputc('\n', stderr);
  if (p.write_error) return tl::unexpected(*p.write_error);
  return p.writer->close();
}

}  // namespace c2audit
