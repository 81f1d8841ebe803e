#include "daemon/daemon.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <poll.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <optional>

#include "common/clock.h"
#include "common/directory_watch.h"
#include "control/control_protocol.h"
#include "control/control_server.h"
#include "daemon/daemon_stats.h"
#include "daemon/stream_consumer.h"
#include "forward/forwarder.h"
#include "trail/trail_lock.h"
#include "kaudit/user_message_source.h"
#include "pipeline/enricher.h"
#include "syscalls/syscall_table.h"
#include "policy/kernel_filter.h"
#include "policy/objective_set.h"
#include "policy/policy_store.h"
#include "policy/watched_files.h"
#include "sensor/loss_monitor.h"
#include "sensor/overflow_throttle.h"
#include "sensor/sensor.h"
#include "trail/run_marker.h"
#include "trail/seal_log.h"
#include "trail/trail_keeper.h"
#include "trail/trail_open.h"

namespace c2audit {
namespace {

constexpr int kPollTimeoutMs = 100;  // the loss-check period
constexpr int64_t kStatusPeriodNs = 1'000'000'000;

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

// "; warnings: …" for a policy's config record, or nothing.
std::string warnings_text(const ObjectiveSet& policy) {
  if (policy.warnings().empty()) return {};
  return fmt::format("; warnings: {}", fmt::join(policy.warnings(), "; "));
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

AuditRecord make_daemon_record(std::string message) {
  return self_record(RecordKind::daemon, std::move(message));
}

// One consumer per online CPU by default, so an N-core host has up to N
// cores of consumer capacity; but one with --disk-full-action rotate-oldest,
// which frees space only in the stream that needs it (docs/trail.md): with
// several, a stream with no closed segment of its own would suspend.
unsigned consumer_count(const DaemonOptions& options) {
  if (options.consumers) return options.consumers;
  if (options.storage.disk_full == DiskFullAction::rotate_oldest) return 1;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return static_cast<unsigned>(std::clamp<long>(cpus, 1, kMaxAutoConsumers));
}

// What the seal log says the trail lacks (seal_log.h): tampering the chain
// alone cannot show. Recorded, and no reason to stop auditing.
std::vector<std::string> seal_log_findings(const TrailOptions& trail) {
  auto key = load_host_key(trail.key_file);
  if (!key) return {fmt::format("seal log not checked: {}", key.error().message)};
  auto last = read_seal_log(trail.seal_log, *key, trail.dir);
  if (!last) return {fmt::format("tampered: {}", last.error().message)};
  std::vector<std::string> findings;
  if (!*last) return findings;
  for (auto& why : missing_logged_seals(trail.dir, **last)) findings.push_back("tampered: " + why);
  return findings;
}

}  // namespace

struct Daemon::Parts {
  DaemonOptions options;
  std::optional<TrailLock> lock;
  std::optional<PolicyStore> policies;
  std::optional<Sensor> sensor;
  WatchedFiles watched;                        // of the policy in force
  WatchedNames watched_names;                  // every identity they had: for the consumers
  std::optional<DirectoryWatch> watched_dirs;  // where they may be replaced
  SharedSeq seq = std::make_shared<std::atomic<uint64_t>>(0);
  TrailResume resume;  // of stream 0: where the daemon's own records continue
  std::vector<std::unique_ptr<StreamConsumer>> consumers;  // consumer i: ring i, stream i
  std::unique_ptr<OverflowThrottle> throttle;              // --overflow throttle
  std::atomic<OverflowThrottle*> throttle_view{nullptr};   // for the consumers
  uint64_t bounds_recorded = 0;      // its episodes ended by the bound, recorded
  std::string throttle_unavailable;  // why the default throttle could not start
  std::optional<LossMonitor> losses;
  std::optional<ControlServer> control;
  std::vector<std::unique_ptr<Forwarder>> forwarders;  // --forward: read the trail, never the rings
  std::unique_ptr<UserMessageSource> user_messages;  // kernel audit's: logins, sudo, accounts
  Enricher user_names;                                // of their senders
  uint64_t user_losses_recorded = 0;
  BootToWallClock clock;
  DaemonStats stats;
  DaemonIdentity identity;
  std::optional<Error> write_error;
  int64_t last_status_ns = 0;
  uint64_t received_at_last_status = 0;

  ~Parts();
  Result<void> start_consumers(std::vector<TrailKeeper> keepers);
  void record_start(unsigned consumers);
  void record_overflow_bound();
  Result<void> start_throttle();
  Result<void> install_in_kernel(const ObjectiveSet& policy, uint32_t generation);
  void watch_directories();
  void follow_watched_files();
  Result<void> put_in_force(ObjectiveSet next);
  std::string reload(const std::string& who);
  void append(AuditRecord& rec, unsigned stream = 0);
  void record_losses();
  void start_user_messages();
  void record_user_messages();
  void check_consumers();
  void snapshot();
  void tick();
};

// Also on the way out of a failed start: the throttle gives the consumers
// their scheduling back while they still run, the consumers end, and only
// then does the throttle they look at go away.
Daemon::Parts::~Parts() {
  for (auto& forwarder : forwarders) forwarder->request_stop();  // all at once, then each joined
  if (throttle) throttle->stop();
  consumers.clear();
}

void Daemon::Parts::append(AuditRecord& rec, unsigned stream) {
  if (write_error) return;
  if (auto ok = consumers[stream]->append(rec); !ok) write_error = ok.error();
}

void Daemon::Parts::check_consumers() {
  for (const auto& consumer : consumers) {
    if (auto failed = consumer->failure(); failed && !write_error) write_error = failed;
  }
}

Result<void> Daemon::Parts::start_consumers(std::vector<TrailKeeper> keepers) {
  for (unsigned index = 0; index < keepers.size(); ++index) {
    StreamConsumer::Setup setup{
        .index = index,
        .ring_fd = sensor->ring_fd(index),
        .ring_bytes = sensor->ring_bytes(),
        .policies = &*policies,
        .watched_names = &watched_names,
        .throttle_holding =
            [this] {
              OverflowThrottle* t = throttle_view.load(std::memory_order_relaxed);
              return t && t->holding();
            },
    };
    auto consumer = StreamConsumer::start(std::move(setup), std::move(keepers[index]));
    if (!consumer) return tl::unexpected(consumer.error());
    consumers.push_back(std::move(*consumer));
  }
  return {};
}

// The run's first records. With several consumers, each stream begins with
// one naming the run (run_marker.h), stream 0 with the start record: verify
// can then tell a stream, or one stream's part of a run, removed from one
// that never had an event.
void Daemon::Parts::record_start(unsigned consumers) {
  uint64_t resumes_after = std::max(seq->load(), resume.last_seq);
  uint64_t run = static_cast<uint64_t>(identity.started_ns);
  for (unsigned index = 1; index < consumers; ++index) {
    auto opened =
        self_record(RecordKind::daemon, fmt::format("c2auditd {} writes this stream: {}", getpid(),
                                                    format_run_marker({run, index, consumers})));
    append(opened, index);
  }
  std::string details;
  if (resume.torn_tail) {
    details +=
        fmt::format(" (previous run ended by a crash: torn write in {})", resume.torn_segment);
  }
  if (consumers > 1) details += "; " + format_run_marker({run, 0, consumers});
  if (consumers > 1 && options.storage.disk_full == DiskFullAction::rotate_oldest) {
    details += "; disk_full rotate-oldest frees space per stream: a stream with no closed "
               "segment of its own suspends";
  }
  if (!throttle_unavailable.empty())
    details += fmt::format("; overflow: drop ({})", throttle_unavailable);
  auto start = self_record(
      RecordKind::daemon,
      fmt::format("c2auditd {} started; trail resumes after seq {}; {} consumer{}{}", getpid(),
                  resumes_after, consumers, consumers == 1 ? "" : "s", details));
  append(start);
}

// An episode of the throttle that ended at its bound is recorded: from then
// on, what a ring cannot take is lost (and recorded as such).
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
  std::vector<ThrottledRing> rings;
  for (const auto& consumer : consumers) {
    StreamConsumer* c = consumer.get();
    rings.push_back({c->thread(), c->thread_id(), [c] { return c->positions(); }});
  }
  uint64_t ring_bytes = sensor->ring_bytes();
  auto started = OverflowThrottle::start({.high_mark_bytes = ring_bytes / 2,
                                          .low_mark_bytes = ring_bytes / 4,
                                          .max_wait_ns = options.overflow_wait_ns},
                                         std::move(rings));
  if (!started && options.overflow_given) return tl::unexpected(started.error());
  if (!started) {
    stats.overflow = "drop";
    throttle_unavailable = started.error().message;
    std::fprintf(stderr, "c2auditd: warning: %s; running with --overflow drop\n",
                 throttle_unavailable.c_str());
    return {};
  }
  throttle = std::move(*started);
  throttle_view.store(throttle.get());
  return {};
}

// Each CPU whose loss counter grew becomes one `lost` record, in the stream
// of that CPU's ring: where the events would have been.
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
    append(rec, r.cpu % consumers.size());
    stats.lost += r.count;
  }
}

// The second source (kaudit/user_message_source.h). Down is not fatal: said
// once on stderr and in the trail; syscalls are audited as before.
void Daemon::Parts::start_user_messages() {
  if (!options.user_messages) {
    stats.user_messages.state = "off (--no-user-messages)";
    return;
  }
  user_messages = UserMessageSource::start();
  stats.user_messages.state = user_messages->state();
  std::string account = "kernel audit user messages (logins, sudo, accounts): " +
                        stats.user_messages.state;
  if (!user_messages->up()) std::fprintf(stderr, "c2auditd: warning: %s\n", account.c_str());
  auto rec = self_record(RecordKind::daemon, std::move(account));
  append(rec);
}

// Each user message an objective selects goes to stream 0, judged by the
// policy in force like a syscall; a loss of them is recorded as such.
void Daemon::Parts::record_user_messages() {
  if (!user_messages) return;
  auto policy = policies->current();
  for (AuditRecord& rec : user_messages->take()) {
    user_names.enrich(rec);
    const Objective* o = policy->match(rec);
    if (!o) {
      ++stats.user_messages.not_selected;
      continue;
    }
    rec.objective = o->name;
    rec.criticality = o->criticality;
    append(rec);
    ++stats.user_messages.recorded;
  }
  UserMessageCounts counts = user_messages->counts();
  uint64_t lost = counts.overruns + counts.dropped;
  if (lost == user_losses_recorded) return;
  auto rec = self_record(
      RecordKind::daemon,
      fmt::format("kernel audit user messages lost: its socket overflowed {} times, {} messages "
                  "not taken in time",
                  counts.overruns, counts.dropped));
  append(rec);
  user_losses_recorded = lost;
}

// Counters summed over the consumers, fill level, last seq and segment:
// cheap, refreshed whenever shown.
void Daemon::Parts::snapshot() {
  stats.received = stats.recorded = stats.not_selected = stats.decode_errors = 0;
  stats.not_kept = stats.ring_fill = 0;
  stats.suspended = false;
  for (const auto& consumer : consumers) {
    const ConsumerCounters& c = consumer->counters();
    stats.received += c.received.load(std::memory_order_relaxed);
    stats.recorded += c.recorded.load(std::memory_order_relaxed);
    stats.not_selected += c.not_selected.load(std::memory_order_relaxed);
    stats.decode_errors += c.decode_errors.load(std::memory_order_relaxed);
    stats.not_kept += c.not_kept.load(std::memory_order_relaxed);
    stats.suspended = stats.suspended || c.suspended.load(std::memory_order_relaxed);
    RingPositions ring = consumer->positions();  // what the sensor cannot reuse yet
    stats.ring_fill += ring.produced - ring.released;
  }
  stats.filtered = sensor->filtered_count();
  if (throttle) stats.throttle = throttle->stats();
  if (user_messages) {
    UserMessageCounts counts = user_messages->counts();
    stats.user_messages.up = user_messages->up();
    stats.user_messages.state = user_messages->state();
    stats.user_messages.received = counts.received;
    stats.user_messages.decode_errors = counts.decode_errors;
    stats.user_messages.lost = counts.overruns + counts.dropped;
    stats.user_messages.first_decode_error = user_messages->first_decode_error();
  }
  stats.forward.clear();
  for (const auto& forwarder : forwarders) stats.forward.push_back(forwarder->status());
  identity.policy_generation = policies->generation();
  // A one-stream trail numbers its records itself; several share `seq`.
  identity.last_seq = seq->load();
  for (const auto& consumer : consumers) identity.last_seq = std::max(identity.last_seq, consumer->last_seq());
  identity.active_segment = consumers[0]->active_segment();
}

// Once a period: the event rate, the wall clock offset, the status line.
void Daemon::Parts::tick() {
  int64_t now = realtime_ns();
  if (now - last_status_ns < kStatusPeriodNs) return;
  snapshot();
  double seconds = static_cast<double>(now - last_status_ns) / 1e9;
  stats.events_per_s = last_status_ns ? (stats.received - received_at_last_status) / seconds : 0;
  received_at_last_status = stats.received;
  last_status_ns = now;
  clock.refresh();  // follow wall-clock steps
  if (options.live_status) {
    std::fprintf(stderr, "\r\033[K%s", status_line(stats, identity.last_seq).c_str());
    std::fflush(stderr);
  }
}

Result<void> Daemon::Parts::install_in_kernel(const ObjectiveSet& policy, uint32_t generation) {
  auto filter = kernel_filter_for(policy, options.only_syscalls);
  if (!filter) return tl::unexpected(filter.error());
  auto files = WatchedFiles::resolve(filter->watched_files);
  watched_names.add(files);  // before the kernel can flag their records
  if (auto ok = sensor->install_policy(*filter, generation, files.masks()); !ok) return ok;
  watched = std::move(files);
  watch_directories();
  return {};
}

// A fresh inotify instance per policy, so directories of an earlier one are
// not watched on. Without inotify, watched files keep the identities they
// had when the policy was loaded (a replaced file is then watched by name
// only): said on stderr, not fatal.
void Daemon::Parts::watch_directories() {
  watched_dirs.reset();
  if (watched.watches.empty()) return;
  auto dirs = DirectoryWatch::create();
  if (!dirs) {
    std::fprintf(stderr, "c2auditd: replaced watched files are not followed: %s\n",
                 dirs.error().message.c_str());
    return;
  }
  dirs->watch(watched.directories());
  watched_dirs.emplace(std::move(*dirs));
}

// A directory holding a watched file changed: the file may have been
// replaced (a new inode), created or removed. The kernel learns the new
// identities; a failure to write them is a write error of the daemon.
void Daemon::Parts::follow_watched_files() {
  if (!watched_dirs || !watched_dirs->changed()) return;
  auto now = WatchedFiles::resolve(watched.watches);
  watched_dirs->watch(now.directories());  // a parent that now exists
  if (now.identities == watched.identities) return;
  watched_names.add(now);
  if (auto ok = sensor->update_watched(now.masks()); !ok) {
    write_error = ok.error();
    return;
  }
  watched = std::move(now);
}

Result<void> Daemon::Parts::put_in_force(ObjectiveSet next) {
  if (auto ok = install_in_kernel(next, policies->generation() + 1); !ok) return ok;
  policies->adopt(std::move(next));
  identity.mode = policies->current()->description();
  return {};
}

// Validates the objective files, then swaps the policy in kernel and user
// space at once. Either way, the attempt becomes a `config` record.
std::string Daemon::Parts::reload(const std::string& who) {
  std::string outcome;
  if (options.audit_all) {
    outcome = "rejected: running with --all, which ignores the objectives";
  } else if (auto next =
                 ObjectiveSet::load_dir(options.objectives_dir, options.objectives_dir_given);
             !next) {
    outcome = fmt::format("rejected: {}; the policy in force stays", next.error().message);
  } else {
    std::string what = fmt::format("{}: {} objectives from [{}]{}", next->description(),
                                   next->objectives().size(), fmt::join(next->files(), ", "),
                                   warnings_text(*next));
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
  auto policy = options.audit_all
                    ? Result<ObjectiveSet>(ObjectiveSet::audit_all())
                    : ObjectiveSet::load_dir(options.objectives_dir, options.objectives_dir_given);
  if (!policy) return tl::unexpected(with_context("objectives", policy.error()));
  p->policies.emplace(std::move(*policy));

  auto lock = TrailLock::acquire(options.trail.dir);
  if (!lock) return tl::unexpected(lock.error());
  p->lock.emplace(std::move(*lock));
  unsigned consumers = consumer_count(options);
  TrailOptions trail_options = options.trail;
  if (!options.forward.empty()) {
    std::vector<std::string> urls;
    for (const auto& destination : options.forward) urls.push_back(destination.url);
    trail_options.delivery = std::make_shared<DeliveryFloor>(std::move(urls));
  }
  auto trail = open_trail(trail_options, options.storage, make_daemon_record, consumers, p->seq);
  if (!trail) return tl::unexpected(with_context("opening trail", trail.error()));
  p->resume = trail->resume;

  auto sensor = Sensor::load({.self_tgid = static_cast<uint32_t>(getpid()),
                              .ring_bytes = options.ring_bytes,
                              .ring_count = consumers,
                              .wakeup_bytes = options.wakeup_bytes});
  if (!sensor) return tl::unexpected(sensor.error());
  p->sensor.emplace(std::move(*sensor));
  auto initial = p->policies->current();
  if (auto ok = p->install_in_kernel(*initial, p->policies->generation()); !ok) {
    return tl::unexpected(ok.error());
  }

  auto control = ControlServer::listen(options.control_socket);
  if (!control) return tl::unexpected(control.error());
  p->control.emplace(std::move(*control));

  if (auto ok = p->start_consumers(std::move(trail->keepers)); !ok) {
    return tl::unexpected(ok.error());
  }
  p->losses.emplace(p->sensor->losses_fd());
  p->stats.overflow = options.overflow == OverflowPolicy::throttle ? "throttle" : "drop";
  p->stats.consumers = consumers;
  if (auto ok = p->start_throttle(); !ok) return tl::unexpected(ok.error());

  p->identity.pid = getpid();
  p->identity.started_ns = realtime_ns();
  p->identity.mode = initial->description();
  p->identity.trail_dir = options.trail.dir.native();
  p->stats.ring_bytes = p->sensor->ring_bytes() * consumers;
  p->record_start(consumers);
  if (auto gap = describe_restart_gap(p->resume, realtime_ns()); !gap.empty()) {
    auto gap_record = self_record(RecordKind::daemon, std::move(gap));
    p->append(gap_record);
  }
  for (auto& finding : seal_log_findings(options.trail)) {
    std::fprintf(stderr, "c2auditd: %s\n", finding.c_str());
    auto finding_record = self_record(RecordKind::daemon, std::move(finding));
    p->append(finding_record);
  }
  auto config = self_record(
      RecordKind::config, fmt::format("policy loaded: {} ({} objectives){}{}", initial->description(),
                                      initial->objectives().size(),
                                      options.only_syscalls.empty()
                                          ? ""
                                          : fmt::format("; kernel reports only {}",
                                                        fmt::join(options.only_syscalls, ",")),
                                      warnings_text(*initial)));
  for (const auto& warning : initial->warnings()) {
    std::fprintf(stderr, "c2auditd: warning: %s\n", warning.c_str());
  }
  p->append(config);
  p->start_user_messages();
  if (p->write_error) return tl::unexpected(*p->write_error);
  for (size_t i = 0; i < options.forward.size(); ++i) {
    auto forwarder = Forwarder::start({.destination = options.forward[i],
                                       .trail = options.trail.dir,
                                       .host = local_host_identity(),
                                       .delivery = trail_options.delivery,
                                       .delivery_slot = i});
    if (!forwarder) return tl::unexpected(forwarder.error());
    p->forwarders.push_back(std::move(*forwarder));
  }

  if (auto ok = p->sensor->attach(); !ok) return tl::unexpected(ok.error());
  return Daemon(std::move(p));
}

std::string Daemon::sensor_verified_instructions() const {
  return parts_->sensor->verified_instructions();
}

std::string Daemon::policy_description() const {
  return parts_->policies->current()->description();
}

Result<void> Daemon::run(DaemonSignals& signals) {
  Parts& p = *parts_;
  auto handler = [&p](std::string_view received, const ControlPeer& peer) -> std::string {
    auto request = parse_control_request(received);
    if (!request) return R"({"error":"unknown request"})";
    switch (*request) {
      case ControlRequest::status:
        p.snapshot();
        return nlohmann::json(status_reply(p.identity, p.stats)).dump();
      case ControlRequest::objectives:
        return nlohmann::json(objectives_reply(*p.policies->current(), p.policies->generation())).dump();
      case ControlRequest::reload: {
        std::string outcome =
            p.reload(fmt::format("uid {} (pid {}, control socket)", peer.uid, peer.pid));
        return nlohmann::json(ReloadReply{.accepted = outcome.starts_with("accepted"), .message = outcome}).dump();
      }
    }
    return R"({"error":"unknown request"})";  // unreachable: every request is handled above
  };
  // The sensor is attached and the trail open: under systemd (Type=notify)
  // units ordered after c2auditd start only now, so what they do is audited.
  sd_notify(0, "READY=1");
  // The consumers do the recording; this thread answers the control socket
  // and turns losses, bounds and reloads into records.
  while (!signals.stop.load() && !p.write_error) {
    p.control->serve(handler, kPollTimeoutMs);
    p.check_consumers();
    p.record_overflow_bound();
    p.record_losses();
    p.record_user_messages();
    p.follow_watched_files();
    if (signals.reload.exchange(false)) {
      sd_notify(0, "RELOADING=1");
      p.reload(fmt::format("uid {} (pid {}, SIGHUP)", signals.reload_uid.load(),
                           signals.reload_pid.load()));
      sd_notify(0, "READY=1");
    }
    p.tick();
  }
  sd_notify(0, "STOPPING=1");

  // Stop: no new events, then keep everything the kernel already holds.
  p.sensor->detach();
  if (p.throttle) p.throttle->stop();  // nothing left to hold back
  for (auto& consumer : p.consumers) {
    if (auto ok = consumer->stop(); !ok && !p.write_error) p.write_error = ok.error();
  }
  if (p.user_messages) p.user_messages->stop();  // kernel audit put back as it was
  p.record_user_messages();
  p.snapshot();
  p.record_losses();
  auto bye = self_record(RecordKind::daemon,
                         fmt::format("c2auditd {} stopped: {} events recorded, {} lost{}", getpid(),
                                     p.stats.recorded, p.stats.lost, throttle_summary(p.stats)));
  p.append(bye);
  if (p.options.live_status) std::fputc('\n', stderr);
  if (p.write_error) return tl::unexpected(*p.write_error);
  for (auto& consumer : p.consumers) {
    if (auto ok = consumer->close(); !ok) return ok;
  }
  return {};
}

}  // namespace c2audit
