// Binary encoding of an AuditRecord, as stored inside one trail frame. The
// encoding is versioned (first byte) so later fields can be added without
// breaking older trails.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"
#include "record/audit_record.h"

namespace c2audit {

inline constexpr uint8_t kRecordEncodingVersion = 2;

// Appends the encoding of `rec` to `out` (no allocation beyond out's growth).
void encode_record(const AuditRecord& rec, std::string& out);

// Decodes one record; fails with a message naming the field that is bad.
Result<AuditRecord> decode_record(std::span<const uint8_t> bytes);

// The same into a record the caller keeps (a reader's slot): no record is
// built and moved per decode. On failure `rec` holds a partial record.
Result<void> decode_record_into(std::span<const uint8_t> bytes, AuditRecord& rec);

}  // namespace c2audit
