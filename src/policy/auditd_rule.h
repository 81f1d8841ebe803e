// One line of a Linux Audit rules file (audit.rules, auditctl syntax), split
// into its options. This is syntax only: what a rule means for c2audit is
// decided by the importer (auditd_import.cc), so the two can be read and
// tested apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace c2audit {

// "-F name<op>value", e.g. {"auid", ">=", "1000"}.
struct AuditdField {
  std::string name;
  std::string op;  // = != < > <= >= & &=
  std::string value;
};

struct AuditdRule {
  enum class Kind {
    not_a_rule,  // blank, comment, or a control line (-D, -b, -e, ...): nothing to convert
    watch,       // -w PATH [-p PERMS]
    syscall,     // -a / -A LIST,ACTION ...
  };
  Kind kind = Kind::not_a_rule;
  bool prepend = false;               // -A: the rule goes first in its list, not last
  std::string list;                   // exit, task, user, exclude, filesystem, ...
  std::string action;                 // always, never
  std::string watch_path;             // -w
  std::string watch_perms;            // -p, empty when not given
  std::vector<std::string> syscalls;  // -S, comma lists split; names, numbers or "all"
  std::vector<AuditdField> fields;    // -F, in line order (-F key=K goes to keys)
  std::vector<std::string> compares;  // -C, verbatim ("uid!=euid")
  std::vector<std::string> keys;      // -k and -F key=
};

// Parses one line (without its newline). The error message says why the line
// is not a rule c2audit can read, e.g. "unknown option -l".
Result<AuditdRule> parse_auditd_line(std::string_view line);

}  // namespace c2audit
