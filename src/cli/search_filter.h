// SearchFilter: which records `c2audit search` prints.
//
// Each filter is a list of accepted values: values of one filter are OR-ed,
// different filters are AND-ed, and an empty list (or unset optional) accepts
// everything.
//
// Syscall records and kernel audit user messages (logins, sudo) have a
// subject: every filter applies to them.
//
// Records the daemon writes about itself (kind lost/config/daemon, shown with
// event "lost"/"config"/"daemon" and class "audit.lost"/...) have no subject
// or object, so the rule for them is:
//   - since/until, events and classes apply to them as to any record;
//   - the syscall-specific filters (users, pid, path_globs, result,
//     objectives) exclude them, unless `events` names their event explicitly
//     ("--user alice --event openat,lost" shows alice's opens and all losses).
// So a plain time-window search shows the losses in that window, and a search
// narrowed to a person, process, path or outcome does not drown in them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/path_glob.h"
#include "record/audit_record.h"

namespace c2audit::cli {

struct SearchFilter {
  std::optional<int64_t> since_ns;  // record time >= since
  std::optional<int64_t> until_ns;  // record time <= until
  // A name (matches `user`) or a numeric id (matches auid, or uid when auid
  // is unset).
  std::vector<std::string> users;
  std::optional<uint32_t> pid;  // process id (tgid)
  // Syscall names, or "lost" / "daemon" / "config".
  std::vector<std::string> events;
  // An exact class ("file.read"), a prefix with ".*" ("file.*") or a bare
  // prefix meaning the same ("file"); "*" accepts every class.
  std::vector<std::string> classes;
  // Globs matched against path and path2 (see path_glob.h), compiled once.
  GlobSet path_globs;
  std::optional<bool> success;          // result: true success, false failure
  std::vector<std::string> objectives;  // exact objective names
  std::optional<uint32_t> session;      // audit session (ses) of the subject

  // True when a filter that only syscall records can satisfy is set.
  bool has_syscall_filter() const;
};

// Whether `rec` is within since/until (the other filters aside).
bool time_matches(const SearchFilter& filter, const AuditRecord& rec);

// Whether `rec` passes every filter (see the rule above).
bool matches(const SearchFilter& filter, const AuditRecord& rec);

}  // namespace c2audit::cli
