// ReportTally: everything `c2audit report` says about a period of the trail,
// counted in one pass over its records (in trail order), so that a trail of
// any size is reported with memory bounded by what is distinct in it.
//
// Results count for the records that have one (system calls and kernel
// audit's user messages); the records the daemon writes about itself
// (lost, config, daemon) are listed one by one instead: every gap in the
// trail and every change of policy an auditor has to account for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "record/audit_record.h"
#include "report/key_tally.h"
#include "report/time_series.h"

namespace c2audit {

// A lost, config or daemon record, as the report lists it.
struct TrailNotice {
  uint64_t seq = 0;
  int64_t time_ns = 0;
  std::string event;    // "lost", "config" or "daemon"
  std::string message;  // what it says (for lost: how many, where, when)
  uint64_t lost = 0;    // events lost, for a lost record
};

struct ReportTally {
  explicit ReportTally(size_t max_keys = KeyTally::kDefaultMaxKeys);

  void add(const AuditRecord& rec);
  // A lost, config or daemon record of the period that the filters leave
  // out (they name a user, a path ...): listed, and its lost events counted,
  // but not among the records. A gap is a fact of the period, whoever the
  // report is about.
  void add_notice(const AuditRecord& rec);

  Tally all;  // every record
  uint64_t syscall_records = 0, user_records = 0;
  uint64_t daemon_records = 0;           // lost, config and daemon records among them
  uint64_t successes = 0, failures = 0;  // of the records that have a result
  uint64_t lost_events = 0;              // sum over the lost records listed

  KeyTally classes, events, objectives, criticalities;
  KeyTally users;            // the subject: login user (auid), else uid; by name when known
  KeyTally programs;         // exe, else comm
  KeyTally objects;          // path (and path2), the module, the address
  KeyTally failure_reasons;  // "event errno" of failed records

  // Kernel audit's user messages: logins (a new audit session), failed
  // authentications, logouts; and per account (failures = failed attempts).
  uint64_t logins = 0, failed_authentications = 0, logouts = 0;
  KeyTally accounts;

  std::vector<TrailNotice> notices;  // in trail order
  TimeSeries series;
};

// The name a report gives the record's subject: "alice", else "uid 1000"
// (the id alone when the trail holds no name for it).
std::string subject_name(const AuditRecord& rec);

}  // namespace c2audit
