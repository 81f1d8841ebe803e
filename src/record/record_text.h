// The one-line human form of an AuditRecord, as `c2audit search` prints it
// without --json. Compact, in the spirit of `ausearch -i`:
//
//   2026-11-24T18:32:04.123Z #42 openat file.read success pid=123 uid=0
//     auid=1000(alice) comm=cat exe=/usr/bin/cat path=/etc/passwd objective=...
//
// (one line). A failure reads `failure(EACCES)`. Values holding spaces,
// quotes, '=' or control bytes are double-quoted with C escapes, so a line
// always splits unambiguously into `key=value` words. Names are only those
// the record carries (`user`); nothing is looked up on the reading host.
#pragma once

#include <string>

#include "record/audit_record.h"

namespace c2audit {

// One line, without the trailing newline.
std::string to_text(const AuditRecord& rec);

}  // namespace c2audit
