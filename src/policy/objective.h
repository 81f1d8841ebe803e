// Objective: one rule of the audit policy — what to audit, for whom, on which
// objects, with which outcome, how critical it is, and whether to record or
// ignore what it selects. Objectives are tried in order; the first whose
// every criterion holds decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errno_number.h"  // errno_number, which objectives' errors use
#include "common/path_glob.h"
#include "policy/file_type.h"
#include "record/audit_record.h"

namespace c2audit {

enum class ResultSelector : uint8_t { any, success, failure };
enum class ObjectiveAction : uint8_t { record, ignore };

// An inclusive range of user ids; a single user is first == last.
struct UserRange {
  uint32_t first = 0;
  uint32_t last = 0;
  std::string text;  // as written: "alice", "1000", "1000-60000"

  bool contains(uint32_t id) const { return id >= first && id <= last; }
};

// Where an objective was written, for messages and `objectives list`.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

// An id of the subject, or of the object's owner, that a comparison names.
enum class IdField : uint8_t { uid, euid, gid, egid, auid, obj_uid, obj_gid };

// "uid != euid": one id compared with another, as Linux Audit's -C does.
struct IdComparison {
  IdField left = IdField::uid;
  IdField right = IdField::uid;
  bool equal = false;  // "=": the two must be equal; "!=": must differ
  std::string text;    // as written
};

// The names IdField takes in objective files (and in auditd rules).
struct IdFieldName {
  std::string_view name;
  IdField field;
};
inline constexpr IdFieldName kIdFieldNames[] = {
    {"uid", IdField::uid},   {"euid", IdField::euid}, {"gid", IdField::gid},
    {"egid", IdField::egid}, {"auid", IdField::auid}, {"obj_uid", IdField::obj_uid},
    {"obj_gid", IdField::obj_gid}};

inline constexpr std::string_view kCriticalities[] = {"critical", "high", "medium", "low", "info"};

struct Objective {
  std::string name;
  std::vector<std::string> classes;  // "file.read" or a family "admin.*"; empty: any
  std::vector<std::string> events;   // syscall names; empty: any
  std::vector<UserRange> users;      // empty: anyone
  std::vector<UserRange> exclude_users;
  std::vector<std::string> paths;    // globs on path or path2; empty: any (or none)
  std::vector<std::string> exclude_paths;
  std::vector<std::string> programs; // globs on the executable path
  ResultSelector result = ResultSelector::any;
  std::vector<std::string> errors;   // errno names a failure must have; empty: any
  uint32_t mode_bits = 0;            // the mode set (chmod) has one of these bits; 0: any
  std::vector<std::string> xattrs;   // globs on the extended attribute's name; empty: any
  std::vector<UserRange> sessions;   // audit session ids ("unset": none); empty: any
  std::vector<UserRange> process_groups;  // the caller's process group (a job); empty: any
  std::vector<std::string> families; // the address's family: "inet", "inet6", "unix", ...
  std::vector<std::string> file_types;  // the object's type ("file", "dir", ...); empty: any
  std::vector<UserRange> file_owners;   // the object's owner; empty: any
  std::vector<IdComparison> compare;    // each must hold ("uid != euid")
  std::string criticality = "medium";
  ObjectiveAction action = ObjectiveAction::record;
  SourceLocation where;
  // What loading left out, as auditctl warns and skips: a user name the
  // system does not know ("file:line:col: no such user 'ntp' …"). Such a
  // name matches no process, so leaving it out of a list changes nothing,
  // unless it empties `users`: then the objective selects no one and is
  // skipped (ObjectiveSet leaves it out).
  std::vector<std::string> warnings;
  bool skipped = false;
};

// Whether a class pattern ("file.read", "admin.*") names `event_class`.
bool class_matches(std::string_view pattern, std::string_view event_class);

// Whether `o` accepts events of class `cls` (an objective without classes
// accepts every class).
bool wants_class(const Objective& o, std::string_view cls);

// The globs of an objective, compiled once so that matching a record costs
// hash lookups and prefix compares (see GlobSet), not a glob parse per record.
struct ObjectiveGlobs {
  explicit ObjectiveGlobs(const Objective& o);
  GlobSet paths, exclude_paths, programs, xattrs;
};

// The names `mode_bits` takes, and the bits each stands for.
struct ModeBitName {
  std::string_view name;
  uint32_t bits;
};
inline constexpr ModeBitName kModeBitNames[] = {
    {"setuid", 04000}, {"setgid", 02000}, {"sticky", 01000}, {"world-writable", 00002}};

// Whether `o` has a criterion only user space can judge (the kernel's
// pre-filter passes what it might select, and cannot decide it exactly).
bool has_user_space_criteria(const Objective& o);

// Whether every criterion of `o` holds for `rec`; `globs` are o's, compiled.
bool objective_matches(const Objective& o, const ObjectiveGlobs& globs, const AuditRecord& rec);
// The same, compiling o's globs for this one call.
bool objective_matches(const Objective& o, const AuditRecord& rec);

// The first criterion of `o` that `rec` fails, in words ("path /tmp/x not
// under paths"); empty when `o` matches. For `c2audit objectives test`.
std::string first_mismatch(const Objective& o, const AuditRecord& rec);

}  // namespace c2audit
