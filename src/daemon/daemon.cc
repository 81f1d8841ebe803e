#include "daemon/daemon.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
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
#include "policy/objective_set.h"
#include "sensor/loss_monitor.h"
#include "sensor/ring_consumer.h"
#include "sensor/sensor.h"

namespace c2audit {
namespace {

constexpr int kPollTimeoutMs = 100;          // also the loss-check period
constexpr int64_t kStatusPeriodNs = 1'000'000'000;

// What the kernel reports: the policy's syscalls, narrowed to `only` when
// given (every name in it must be a covered syscall).
Result<std::vector<SelectedSyscall>> kernel_selection(const ObjectiveSet& policy,
                                                      const std::vector<std::string>& only) {
  std::vector<uint32_t> narrowed;
  for (const auto& name : only) {
    const SyscallInfo* info = find_syscall(name);
    if (!info) return fail(fmt::format("--syscalls: {} is not a covered syscall", name));
    narrowed.push_back(info->nr);
  }
  std::vector<SelectedSyscall> selected;
  for (uint32_t nr : policy.selected_syscalls()) {
    if (only.empty() || std::find(narrowed.begin(), narrowed.end(), nr) != narrowed.end()) {
      selected.push_back({nr, find_syscall(nr)->spec});
    }
  }
  return selected;
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
  std::optional<TrailWriter> writer;
  ObjectiveSet policy = ObjectiveSet::defaults();
  std::optional<Sensor> sensor;
  std::optional<RingConsumer> ring;
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
  const Objective* objective = policy.match(scratch);
  if (!objective) {
    ++stats.not_selected;
    return;
  }
  enricher.enrich(scratch);
  scratch.objective = objective->name;
  scratch.criticality = objective->criticality;
  append(scratch);
  ++stats.recorded;
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

Daemon::Daemon(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Daemon::Daemon(Daemon&&) noexcept = default;
Daemon& Daemon::operator=(Daemon&&) noexcept = default;
Daemon::~Daemon() = default;

Result<Daemon> Daemon::start(const DaemonOptions& options) {
  auto p = std::make_unique<Parts>();
  p->options = options;
  if (options.audit_all) p->policy = ObjectiveSet::audit_all();

  auto lock = TrailLock::acquire(options.trail.dir);
  if (!lock) return tl::unexpected(lock.error());
  p->lock.emplace(std::move(*lock));
  auto writer = TrailWriter::open(options.trail);
  if (!writer) return tl::unexpected(with_context("opening trail", writer.error()));
  p->writer.emplace(std::move(*writer));

  auto sensor = Sensor::load({static_cast<uint32_t>(getpid()), options.ring_bytes,
                              options.wakeup_bytes});
  if (!sensor) return tl::unexpected(sensor.error());
  p->sensor.emplace(std::move(*sensor));
  auto selection = kernel_selection(p->policy, options.only_syscalls);
  if (!selection) return tl::unexpected(selection.error());
  if (auto ok = p->sensor->select(*selection); !ok) return tl::unexpected(ok.error());

  auto control = ControlServer::listen(options.control_socket);
  if (!control) return tl::unexpected(control.error());
  p->control.emplace(std::move(*control));

  Parts* raw = p.get();
  auto ring = RingConsumer::open(p->sensor->ring_fd(),
                                 [raw](std::span<const uint8_t> r) { raw->on_raw_record(r); });
  if (!ring) return tl::unexpected(ring.error());
  p->ring.emplace(std::move(*ring));
  p->losses.emplace(p->sensor->losses_fd());

  p->identity = {getpid(), realtime_ns(), p->policy.description(),
                 options.trail.dir.native(), {}, 0};
  p->stats.ring_bytes = options.ring_bytes;
  const TrailResume& resume = p->writer->resume();
  auto start = self_record(RecordKind::daemon,
                           fmt::format("c2auditd {} started; trail resumes after seq {}{}", getpid(),
                                       resume.last_seq,
                                       resume.torn_tail ? fmt::format(
                                           " (previous run ended by a crash: torn record in {})",
                                           resume.torn_segment)
                                                        : ""));
  p->append(start);
  auto config = self_record(RecordKind::config,
                            fmt::format("policy loaded: {} ({} objectives){}",
                                        p->policy.description(), p->policy.objectives().size(),
                                        options.only_syscalls.empty()
                                            ? ""
                                            : fmt::format("; kernel reports only {}",
                                                          fmt::join(options.only_syscalls, ","))));
  p->append(config);
  if (auto ok = p->flush(); !ok) return tl::unexpected(ok.error());

  if (auto ok = p->sensor->attach(); !ok) return tl::unexpected(ok.error());
  return Daemon(std::move(p));
}

Result<void> Daemon::run(const std::atomic<bool>& stop) {
  Parts& p = *parts_;
  auto status_handler = [&p](std::string_view request) -> std::string {
    if (request != "status") return R"({"error":"unknown request"})";
    p.snapshot();
    return status_json(p.identity, p.stats).dump();
  };
  while (!stop.load() && !p.write_error) {
    if (auto n = p.ring->poll(kPollTimeoutMs); !n) return tl::unexpected(n.error());
    p.record_losses();
    if (auto ok = p.flush(); !ok) return ok;
    p.control->serve_pending(status_handler);
    p.tick();
  }

  // Stop: no new events, then keep everything the kernel already holds.
  p.sensor->detach();
  if (auto n = p.ring->drain(); !n) return tl::unexpected(n.error());
  p.record_losses();
  auto bye = self_record(RecordKind::daemon,
                         fmt::format("c2auditd {} stopped: {} events recorded, {} lost", getpid(),
                                     p.stats.recorded, p.stats.lost));
  p.append(bye);
  if (p.options.live_status) std::fputc('\n', stderr);
  if (p.write_error) return tl::unexpected(*p.write_error);
  return p.writer->sync();
}

}  // namespace c2audit
