// Records for unit tests of the trail and what reads it: the i-th open of
// /etc/file-<i>, i ns after a fixed time.
#pragma once

#include <cstdint>
#include <string>

#include "record/audit_record.h"

namespace c2audit::testing_records {

inline constexpr int64_t kBaseTime = 1'700'000'000'000'000'000;

inline AuditRecord numbered_open(int i) {
  AuditRecord rec;
  rec.time_ns = kBaseTime + i;
  rec.event = "openat";
  rec.event_class = "file.read";
  rec.pid = static_cast<uint32_t>(1000 + i);
  rec.path = "/etc/file-" + std::to_string(i);
  return rec;
}

}  // namespace c2audit::testing_records
