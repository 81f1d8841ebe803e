// ObjectiveSet: the policy in force — an ordered list of objectives. The first
// objective whose criteria all hold decides: `record` keeps the event and
// labels it with the objective's name and criticality, `ignore` drops it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/string_hash.h"
#include "policy/objective.h"
#include "policy/path_gate.h"
#include "record/audit_record.h"

namespace c2audit {

inline constexpr const char* kDefaultObjectivesDir = "/etc/c2audit/objectives.d";

class ObjectiveSet {
 public:
  // The embedded C2 baseline (see default_objectives.cc).
  static ObjectiveSet defaults();
  // One objective recording every covered syscall (test/troubleshooting mode).
  static ObjectiveSet audit_all();
  // Every *.toml in `dir`, in file name order. A directory without any gives
  // the defaults; a missing one too, unless `must_exist`. Any invalid file
  // fails the whole load ("file:line:column: why"), and so do files that
  // hold no objective at all.
  static Result<ObjectiveSet> load_dir(const std::filesystem::path& dir, bool must_exist);

  ObjectiveSet(std::string description, std::vector<Objective> objectives,
               std::vector<std::string> files = {});

  // The first objective whose criteria hold for `rec` (record or ignore).
  const Objective* decide(const AuditRecord& rec) const;

  // The objective that records `rec`, or nullptr (none, or an ignore wins).
  // Counts a hit for the deciding objective.
  const Objective* match(const AuditRecord& rec) const;

  // Syscall numbers some recording objective may select.
  std::vector<uint32_t> selected_syscalls() const;

  const std::string& description() const { return description_; }
  const std::vector<Objective>& objectives() const { return objectives_; }
  const std::vector<std::string>& files() const { return files_; }
  // What loading left out ("file:line:col: no such user 'ntp' …"), skipped
  // objectives included; the daemon records them with the policy.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Hits per objective, summed over the threads that counted them.
  std::vector<uint64_t> hits() const;

  // Picks the hit counters the calling thread uses: consumer threads with
  // different slots never contend for a cache line when counting.
  static void use_hit_slot(unsigned slot);

 private:
  // Indexes of the objectives whose events and classes admit a record of
  // this event and class, in policy order.
  const std::vector<uint32_t>& candidates(const AuditRecord& rec) const;
  struct ClassCandidates {
    std::string event_class;
    std::vector<uint32_t> objectives;
  };
  // A covered x86-64 call's name and its entry in candidates_by_event_.
  struct CallCandidates {
    std::string_view event;
    const std::vector<ClassCandidates>* by_class = nullptr;
  };

  std::string description_;
  std::vector<std::string> warnings_;  // before objectives_: filled while it is built
  std::vector<Objective> objectives_;
  std::vector<ObjectiveGlobs> globs_;  // objectives_[i]'s, compiled
  // Per covered syscall name and each class it can have, the objectives
  // whose events and classes admit it, so a record is tried against those
  // only: a policy of 500 objectives over many syscalls costs about what one
  // does. Any other event or class tries all of them.
  StringMap<std::vector<ClassCandidates>> candidates_by_event_;
  // The same by x86-64 call number (its nodes do not move), so that most
  // records find theirs without hashing their event's name.
  std::vector<CallCandidates> candidates_by_nr_;
  std::vector<uint32_t> all_;
  PathGate path_gate_;  // watches passed over without trying their globs
  std::vector<std::string> files_;
  static constexpr size_t kHitSlots = 8;
  size_t hit_stride_ = 0;  // objectives, rounded up to a cache line of counters
  std::unique_ptr<std::atomic<uint64_t>[]> hits_;  // kHitSlots rows of hit_stride_
};

// Whether objective `o` could select some occurrence of syscall `info`.
struct SyscallInfo;
bool may_select(const Objective& o, const SyscallInfo& info);

}  // namespace c2audit
