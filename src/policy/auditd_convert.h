// The meaning of one Linux Audit rule in c2audit terms: an objective, plus
// what the conversion could not keep exactly. Used by auditd_import.cc, which
// adds the file-level concerns (names unique, order, TOML text).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "policy/auditd_rule.h"

namespace c2audit {

// A user as an objective file names it: an id, a name, or a range "A-B".
using UserSelector = std::variant<int64_t, std::string>;

struct ImportedObjective {
  std::string name;  // the rule's key(s) joined with "-", not yet sanitized; empty without key
  std::vector<std::string> classes;
  std::vector<std::string> events;
  std::vector<UserSelector> users;
  std::vector<UserSelector> exclude_users;
  std::vector<std::string> paths;
  std::vector<std::string> exclude_paths;
  std::vector<std::string> programs;
  std::vector<std::string> errors;  // errno names a failure must have
  std::vector<UserSelector> sessions;     // -F ses=
  std::vector<std::string> families;      // -F saddr_fam=
  std::vector<std::string> file_types;    // -F filetype=
  std::vector<UserSelector> file_owners;  // -F obj_uid=
  std::vector<std::string> compare;       // -C, as "uid != euid"
  std::string result = "any";
  std::string action = "record";
};

// The largest id a user range reaches: 4294967295 ((uid_t)-1) is the unset
// login uid, which names no user.
inline constexpr int64_t kMaxUserId = 4294967294;
inline constexpr int64_t kUnsetId = 4294967295;

// Converts a parsed rule (kind watch or syscall). Approximations are appended
// to `approximations`; an error says why the rule cannot be converted.
Result<ImportedObjective> convert_auditd_rule(const AuditdRule& rule,
                                              std::vector<std::string>& approximations);

}  // namespace c2audit
