// EventDecoder: turns one raw sensor record (include/c2audit/wire.h) into an
// AuditRecord with the event name, class, result, absolute paths, argv and
// network address filled in. Identity names (user) are added later by the
// Enricher; objective labels by the policy.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "record/audit_record.h"

namespace c2audit {

class EventDecoder {
 public:
  explicit EventDecoder(const BootToWallClock& clock) : clock_(clock) {}

  // Fails when the bytes are not a well-formed sensor record.
  Result<void> decode(std::span<const uint8_t> raw, AuditRecord& out) const;

 private:
  const BootToWallClock& clock_;
};

// Which policy generation judged the record in the kernel (the header's
// policy_generation; 0 when the bytes are too short to hold it), so that user
// space judges it by the same objectives across a reload.
uint32_t policy_generation_of(std::span<const uint8_t> raw);

// The watched directory a record's object lies under, when the call reached
// it by a name outside that directory (C2A_ST_UNDER_WATCHED_DIR): the
// directory's identity and the object's path below it ("/ssh/sshd_config",
// "/" for the directory itself), a view into `raw`. nullopt when the record
// says nothing of one or its field is malformed.
struct WatchedDirField {
  uint64_t ino = 0;
  uint32_t dev = 0;
  std::string_view below;
};
std::optional<WatchedDirField> watched_dir_of(std::span<const uint8_t> raw);

// Symbolic errno name ("ENOENT"), or the number as text when unknown.
std::string errno_name(int err);

}  // namespace c2audit
