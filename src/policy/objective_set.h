// ObjectiveSet: which events to record and why. This is the built-in form of
// the policy: the default C2 baseline, or "audit everything" (--all). Each
// objective selects by event class, path prefix and result; the first
// objective that matches labels the record with its name and criticality.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "record/audit_record.h"

namespace c2audit {

enum class ResultSelector : uint8_t { any, success, failure };

struct Objective {
  std::string name;
  std::vector<std::string> classes;        // "file.read", or a family "admin.*"
  std::vector<std::string> path_prefixes;  // empty: any path; "/etc" matches /etc and /etc/...
  ResultSelector result = ResultSelector::any;
  std::vector<std::string> errnos;         // empty: any errno (with result failure)
  std::string criticality;                 // critical, high, medium, low, info
};

class ObjectiveSet {
 public:
  // The embedded C2 baseline used when no other policy is given.
  static ObjectiveSet defaults();
  // One objective recording every covered syscall (test/troubleshooting mode).
  static ObjectiveSet audit_all();

  explicit ObjectiveSet(std::string description, std::vector<Objective> objectives)
      : description_(std::move(description)), objectives_(std::move(objectives)) {}

  // The first objective selecting `rec`, or nullptr.
  const Objective* match(const AuditRecord& rec) const;

  // Syscall numbers some objective may select: what the kernel must report.
  std::vector<uint32_t> selected_syscalls() const;

  const std::string& description() const { return description_; }
  const std::vector<Objective>& objectives() const { return objectives_; }

 private:
  std::string description_;
  std::vector<Objective> objectives_;
};

}  // namespace c2audit
