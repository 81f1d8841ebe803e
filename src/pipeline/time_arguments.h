// What a time call sets, from the struct the sensor read at its exit
// (SyscallInfo::time_arg): a settimeofday's or clock_settime's new time, an
// adjtimex's or clock_adjtime's adjustments.
#pragma once

#include <string_view>

#include "record/audit_record.h"
#include "syscalls/syscall_table.h"

namespace c2audit {

// Fills rec.new_time or rec.adjustment from `raw` (the x86-64 layout of
// `what`; a caller may pass any bytes: values that do not fit are left out).
// rec.success must be set: a successful adjtimex has overwritten its struct.
void decode_time_argument(TimeArg what, std::string_view raw, AuditRecord& rec);

}  // namespace c2audit
