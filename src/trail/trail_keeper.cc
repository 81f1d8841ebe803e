#include "trail/trail_keeper.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/file_descriptor.h"
#include "record/time_format.h"
#include "trail/append_only.h"
#include "trail/removal_note.h"
#include "trail/retention.h"

namespace c2audit {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
// Past this much appended, records are written out without waiting for the
// batch's flush: draining a full ring in one batch must not hold it all in
// the daemon's memory (RssAnon reached 57 MiB with a 64 MiB ring).
constexpr size_t kMaxBufferedBytes = 1 * kMiB;
constexpr const char* kShell = "/bin/sh";

std::string mib(uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(kMiB));
}

}  // namespace

std::string describe_restart_gap(const TrailResume& resume, int64_t now_ns) {
  if (!resume.crashed) return {};
  std::string torn;
  if (resume.torn_tail) {
    torn = fmt::format("; {} bytes of a torn write at offset {} were not kept", resume.torn_bytes,
                       resume.torn_offset);
  }
  return fmt::format(
      "previous run ended without a clean stop (crash, kill or power loss): last durable record "
      "seq {} at {} in {}{}; events from then until this restart at {} were not audited",
      resume.last_seq, resume.last_time_ns ? format_rfc3339(resume.last_time_ns) : "-",
      resume.crashed_segment, torn, format_rfc3339(now_ns));
}

struct TrailKeeper::State {
  std::optional<TrailWriter> writer;
  StoragePolicy policy;
  RecordMaker make;
  std::filesystem::path dir;
  unsigned stream = 0;
  std::shared_ptr<DeliveryFloor> delivery;  // with --forward
  int64_t max_segment_age_ns = 0;
  int64_t last_sync_ns = 0;
  uint64_t free_bytes = UINT64_MAX;  // at the last statvfs
  uint64_t appended_since_stat = 0;
  bool space_left_fired = false;
  bool suspended = false;
  bool halted = false;
  uint64_t not_kept = 0, not_kept_now = 0;  // in total; in the current suspension
  int64_t suspended_since_ns = 0;
  pid_t space_left_child = -1;

  uint64_t estimated_free() const {
    return free_bytes > appended_since_stat ? free_bytes - appended_since_stat : 0;
  }
  Result<void> refresh_free();
  Result<void> note(int priority, const std::string& message);
  Result<void> check_space();
  Result<void> before_append();
  Result<void> space_left();
  Result<void> disk_full();
  Result<void> rotate_oldest();
  Result<void> remove_segment(const RemovalCandidate& candidate, const SegmentFile& successor);
  Result<void> note_undelivered(uint64_t first_seq, uint64_t last_seq);
  Result<void> suspend(const std::string& why);
  Result<void> halt();
  void reap_child();
};

Result<void> TrailKeeper::State::refresh_free() {
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) != 0) {
    return fail(fmt::format("{}: statvfs: {}", dir.native(), std::strerror(errno)));
  }
  free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  appended_since_stat = writer->buffered_bytes();  // appended, but not on disk yet
  return {};
}

// A `daemon` record (and syslog line) about what the keeper did; synced, so
// the account of an action is durable before the action's effects are.
Result<void> TrailKeeper::State::note(int priority, const std::string& message) {
  ::syslog(priority, "%s", message.c_str());
  AuditRecord rec = make(message);
  if (auto ok = writer->append(rec); !ok) return ok;
  return writer->sync();
}

Result<void> TrailKeeper::State::space_left() {
  space_left_fired = true;
  std::string what = fmt::format("space_left: {} free on the trail file system {} (threshold {})",
                                 mib(free_bytes), dir.native(), mib(policy.space_left_bytes));
  if (policy.space_left_command.empty()) return note(LOG_WARNING, what + "; action syslog");
  reap_child();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(kShell, "sh", "-c", policy.space_left_command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid < 0) {
    return note(LOG_WARNING,
                fmt::format("{}; action exec failed: fork: {}", what, std::strerror(errno)));
  }
  space_left_child = pid;
  return note(LOG_WARNING, fmt::format("{}; action exec: ran '{}' (pid {})", what,
                                       policy.space_left_command, pid));
}

void TrailKeeper::State::reap_child() {
  if (space_left_child <= 0) return;
  int status = 0;
  if (::waitpid(space_left_child, &status, WNOHANG) == space_left_child) space_left_child = -1;
}

Result<void> TrailKeeper::State::suspend(const std::string& why) {
  if (auto ok = note(LOG_CRIT, fmt::format("disk_full: {} free on {} (reserve {}); {}; recording "
                                           "suspended, records not kept are counted",
                                           mib(free_bytes), dir.native(),
                                           mib(policy.disk_reserve_bytes), why));
      !ok) {
    return ok;
  }
  suspended = true;
  not_kept_now = 0;
  suspended_since_ns = realtime_ns();
  return {};
}

Result<void> TrailKeeper::State::halt() {
  auto ok =
      note(LOG_CRIT, fmt::format("disk_full: {} free on {} (reserve {}); action halt: "
                                 "trail sealed, c2auditd stops",
                                 mib(free_bytes), dir.native(), mib(policy.disk_reserve_bytes)));
  halted = true;
  if (ok) ok = writer->close();
  return ok;
}

// Writes the removal note first (durably), then removes the segment.
Result<void> TrailKeeper::State::remove_segment(const RemovalCandidate& candidate,
                                                const SegmentFile& successor) {
  auto next = read_segment_header(successor);
  if (!next) return tl::unexpected(next.error());
  RemovalNote removal{candidate.segment.path.filename().native(), candidate.segment.first_seq,
                      next->prev_last_seq, next->prev_digest};
  std::string why = fmt::format("disk_full rotate-oldest: {} free on {}, {} freed",
                                mib(estimated_free()), dir.native(), mib(candidate.bytes));
  if (auto ok = note_undelivered(removal.first_seq, removal.last_seq); !ok) return ok;
  if (auto ok = note(LOG_WARNING, format_removal(removal, why)); !ok) return ok;
  clear_append_only(candidate.segment.path);
  if (::unlink(candidate.segment.path.c_str()) != 0) {
    return fail(
        fmt::format("{}: unlink: {}", candidate.segment.path.native(), std::strerror(errno)));
  }
  FileDescriptor dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.valid()) ::fsync(dir_fd.get());
  return refresh_free();
}

// Records going with a removed segment that a collector never had: said in
// the trail (and so, later, to that collector) as a range of seqs, once per
// collector short of them.
Result<void> TrailKeeper::State::note_undelivered(uint64_t first_seq, uint64_t last_seq) {
  if (!delivery) return {};
  for (const auto& [destination, through] : delivery->short_of(stream, last_seq)) {
    auto noted = note(LOG_WARNING,
                      fmt::format("undelivered: seq {}-{} of stream {} never reached {}: removed by disk_full "
                                  "rotate-oldest before it acknowledged {}",
                                  std::max(first_seq, through + 1), last_seq, stream, destination,
                                  through >= first_seq ? "the rest" : "them"));
    if (!noted) return noted;
  }
  return {};
}

Result<void> TrailKeeper::State::rotate_oldest() {
  // The segments listed must stay as listed: none is compressed meanwhile.
  auto files = writer->lock_segment_files();
  auto candidates = removable_segments(dir, writer->active_segment(), policy, realtime_ns());
  if (!candidates) return tl::unexpected(candidates.error());
  auto all = list_segments(dir);
  if (!all) return tl::unexpected(all.error());
  uint64_t wanted = 2 * policy.disk_reserve_bytes;
  for (size_t i = 0; i < candidates->size() && estimated_free() < wanted; ++i) {
    // Removal is oldest first, so the candidate's successor is the next file listed.
    if (i + 1 >= all->size()) break;
    if (auto ok = remove_segment((*candidates)[i], (*all)[i + 1]); !ok) return ok;
  }
  if (estimated_free() >= policy.disk_reserve_bytes) return {};
  return suspend("action rotate-oldest found no more closed segments past the retention floor");
}

Result<void> TrailKeeper::State::disk_full() {
  if (auto ok = refresh_free(); !ok) return ok;
  if (estimated_free() >= policy.disk_reserve_bytes) return {};
  switch (policy.disk_full) {
    case DiskFullAction::rotate_oldest:
      return rotate_oldest();
    case DiskFullAction::suspend:
      return suspend("action suspend");
    case DiskFullAction::halt:
      return halt();
  }
  return {};
}

Result<void> TrailKeeper::State::check_space() {
  reap_child();
  if (auto ok = refresh_free(); !ok) return ok;
  if (suspended) {
    uint64_t resume_at = std::max(2 * policy.disk_reserve_bytes, policy.space_left_bytes);
    if (free_bytes < resume_at) return {};
    suspended = false;
    if (auto ok =
            note(LOG_WARNING,
                 fmt::format("disk space available again ({} free on {}): recording "
                             "resumed; {} records were not kept while suspended from {} "
                             "to {}",
                             mib(free_bytes), dir.native(), not_kept_now,
                             format_rfc3339(suspended_since_ns), format_rfc3339(realtime_ns())));
        !ok) {
      return ok;
    }
  }
  if (free_bytes < policy.disk_reserve_bytes) return disk_full();
  if (policy.space_left_bytes && free_bytes < policy.space_left_bytes && !space_left_fired) {
    return space_left();
  }
  if (free_bytes >= policy.space_left_bytes) space_left_fired = false;  // re-arm
  return {};
}

// Between flushes, the estimate decides; a threshold it crosses is confirmed
// with statvfs before acting, so a burst inside one batch cannot skip
// space_left on its way to disk_full.
Result<void> TrailKeeper::State::before_append() {
  bool left =
      policy.space_left_bytes && !space_left_fired && estimated_free() < policy.space_left_bytes;
  if (left) {
    if (auto ok = refresh_free(); !ok) return ok;
    if (free_bytes < policy.space_left_bytes) {
      if (auto ok = space_left(); !ok) return ok;
    }
  }
  if (estimated_free() < policy.disk_reserve_bytes) return disk_full();
  return {};
}

TrailKeeper::TrailKeeper(std::unique_ptr<State> state) : state_(std::move(state)) {}
TrailKeeper::TrailKeeper(TrailKeeper&&) noexcept = default;
TrailKeeper& TrailKeeper::operator=(TrailKeeper&&) noexcept = default;
TrailKeeper::~TrailKeeper() = default;

Result<TrailKeeper> TrailKeeper::open(const TrailOptions& trail, const StoragePolicy& policy,
                                      RecordMaker make_record) {
  auto writer = TrailWriter::open(trail);
  if (!writer) return tl::unexpected(writer.error());
  auto state = std::make_unique<State>();
  state->writer.emplace(std::move(*writer));
  state->policy = policy;
  state->make = std::move(make_record);
  state->dir = trail.dir;
  state->stream = trail.stream;
  state->delivery = trail.delivery;
  state->max_segment_age_ns = trail.max_segment_age_ns;
  state->last_sync_ns = realtime_ns();
  ::openlog("c2auditd", LOG_PID, LOG_DAEMON);
  if (auto ok = state->refresh_free(); !ok) return tl::unexpected(ok.error());
  return TrailKeeper(std::move(state));
}

const TrailResume& TrailKeeper::resume() const { return state_->writer->resume(); }

Result<void> TrailKeeper::append(AuditRecord& rec) {
  State& s = *state_;
  if (s.halted) return fail("trail: recording stopped by disk_full action halt");
  if (!s.suspended) {
    if (auto ok = s.before_append(); !ok) return ok;
    if (s.halted) return fail("trail: recording stopped by disk_full action halt");
  }
  if (s.suspended) {
    ++s.not_kept;
    ++s.not_kept_now;
    return {};
  }
  size_t before = s.writer->buffered_bytes();
  if (auto ok = s.writer->append(rec); !ok) return ok;
  size_t after = s.writer->buffered_bytes();
  // Rotation empties the buffer; then the record alone is what was added.
  s.appended_since_stat += after > before ? after - before : after;
  if (after >= kMaxBufferedBytes) return s.writer->flush();
  return {};
}

Result<void> TrailKeeper::flush() {
  State& s = *state_;
  if (s.halted) return fail("trail: recording stopped by disk_full action halt");
  int64_t now = realtime_ns();
  Result<void> ok = s.writer->flush();
  int64_t created = s.writer->active_created_ns();
  if (ok && s.max_segment_age_ns && created && now - created >= s.max_segment_age_ns) {
    ok = s.writer->rotate();  // an idle segment must not stay unsealed for ever
  }
  if (ok && (s.policy.flush == FlushPolicy::sync ||
             (s.policy.flush == FlushPolicy::interval &&
              now - s.last_sync_ns >= s.policy.flush_interval_ns))) {
    ok = s.writer->sync();
    s.last_sync_ns = now;
  }
  if (!ok) return ok;
  for (const auto& text : s.writer->take_notes()) {
    if (auto noted = s.note(LOG_WARNING, text); !noted) return noted;
  }
  if (auto checked = s.check_space(); !checked) return checked;
  if (s.halted) return fail("trail: recording stopped by disk_full action halt");
  return {};
}

Result<void> TrailKeeper::close() {
  State& s = *state_;
  if (s.halted) return {};
  if (s.suspended) {  // the count must not die with the process
    auto ok =
        s.note(LOG_WARNING, fmt::format("stopping while recording is suspended (disk "
                                        "full): {} records were not kept since {}",
                                        s.not_kept_now, format_rfc3339(s.suspended_since_ns)));
    if (!ok) return ok;
  }
  return s.writer->close();
}

bool TrailKeeper::suspended() const { return state_->suspended; }
uint64_t TrailKeeper::not_kept() const { return state_->not_kept; }
uint64_t TrailKeeper::last_seq() const { return state_->writer->last_seq(); }
std::filesystem::path TrailKeeper::active_segment() const {
  return state_->writer->active_segment();
}

}  // namespace c2audit
