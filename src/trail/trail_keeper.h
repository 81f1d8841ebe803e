// TrailKeeper: the trail writer plus the policies that protect it — flush
// policy (durability), rotation by age, space_left warnings and disk_full
// actions. Every action it takes is itself written to the trail as a
// `daemon` record (made by the caller's RecordMaker) and sent to syslog;
// nothing is ever removed or dropped without such a record.
//
// Free space is read with statvfs at every flush and estimated in between
// from the bytes appended, so that a burst of records cannot run the file
// system out of room in the middle of a frame: the disk counts as full while
// less than disk_reserve_bytes would be left.
//
// Not thread-safe: one owner (the daemon loop).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "record/audit_record.h"
#include "trail/storage_policy.h"
#include "trail/trail_writer.h"

namespace c2audit {

// Makes a `daemon` record carrying `message` (pid, credentials, time).
using RecordMaker = std::function<AuditRecord(std::string message)>;

// What a restart after a crash says about the gap; empty after a clean stop.
std::string describe_restart_gap(const TrailResume& resume, int64_t now_ns);

class TrailKeeper {
 public:
  static Result<TrailKeeper> open(const TrailOptions& trail, const StoragePolicy& policy,
                                  RecordMaker make_record);

  TrailKeeper(TrailKeeper&&) noexcept;
  TrailKeeper& operator=(TrailKeeper&&) noexcept;
  ~TrailKeeper();

  const TrailResume& resume() const;

  // Appends, unless recording is suspended (then the record is counted as
  // not kept). May first run the disk_full action. Fails once halted.
  Result<void> append(AuditRecord& rec);

  // End of a batch: writes (and syncs, per flush policy), rotates an old
  // segment, checks free space and acts on it. Fails once halted.
  Result<void> flush();

  // Seals the trail: a clean stop.
  Result<void> close();

  bool suspended() const;
  uint64_t not_kept() const;  // records not kept while suspended, in total
  uint64_t last_seq() const;
  std::filesystem::path active_segment() const;

 private:
  struct State;
  explicit TrailKeeper(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace c2audit
