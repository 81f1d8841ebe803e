// The JSON form of an AuditRecord, as `c2audit search --json` prints it. Field
// names are a public interface (shared/DESIGN.md, docs/records.md); fields
// without a value are left out rather than printed empty.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "record/audit_record.h"

namespace c2audit {

// The event name a record is shown and searched under: the syscall name, or
// "lost" / "config" / "daemon" for records the daemon writes about itself.
std::string_view record_event(const AuditRecord& rec);

// The class a record is shown and searched under: its event class, or
// "audit.lost" / "audit.config" / "audit.daemon" for the daemon's own records.
std::string_view record_class(const AuditRecord& rec);

// The errno name of a failed call: rec.errno_name, else derived from ret
// ("EACCES"), else the number as text. Empty for a success.
std::string record_errno(const AuditRecord& rec);

// The ABI a call was made through, as auditd names it: "i386" for an ia32
// call (AuditRecord::ia32), else "x86_64".
std::string_view arch_name(bool ia32);

// A kernel device number (AuditRecord::dev) as ls and stat print it: "8:1".
std::string device_text(uint32_t dev);

// An ioctl's request by its name ("FS_IOC_SETFLAGS") when it is one the
// sensor records, else the number in hex ("0x40086603"); empty when none.
std::string record_request(const AuditRecord& rec);

// One JSON object: seq, time, event, class, then (a system call or a user
// message) result, and (a system call) ret and errno on failure; then the
// fields src/record/record_fields.h gives the record's kind, under the names
// it gives them, in its order, each when it holds a value or where that list
// says always. auid and ses are numbers; 4294967295 means unset, as with auditd.
nlohmann::json to_json(const AuditRecord& rec);

// to_json() as one compact line without the newline. Bytes that are not
// UTF-8 (a path may hold any) are replaced by U+FFFD instead of failing.
std::string to_json_line(const AuditRecord& rec);

}  // namespace c2audit
