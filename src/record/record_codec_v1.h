// Record encoding version 1, read only: trails written before version 2
// (record_codec.h) still decode. Layout (integers little-endian, fixed width):
//
//   u8 version | u8 kind | u64 seq | i64 time_ns
//   str event | str class | u32 syscall_nr | i64 ret | str errno_name
//   u32 pid tid ppid uid euid gid egid auid ses | str user comm exe tty
//   u64 cgroup_id | str path path2 | varint argc, str * argc | str addr
//   u16 port | u64 flags | u32 mode | str objective criticality
//   u64 lost_count | u32 cpu | i64 window_start_ns window_end_ns | str message
//   u8 flag bits (success, path_unresolved, path2_unresolved, argv_truncated, ia32,
//                 object, io_uring)
//   [object flag only:] u32 dev | u64 inode | str watched_path
//
// where str is a varint (LEB128) byte length followed by the bytes.
#pragma once

#include "common/result.h"
#include "record/audit_record.h"
#include "record/field_reader.h"

namespace c2audit {

inline constexpr uint8_t kRecordEncodingV1 = 1;

// Reads everything after the version byte; `in` holds the first failure.
AuditRecord read_record_v1(FieldReader& in);

}  // namespace c2audit
