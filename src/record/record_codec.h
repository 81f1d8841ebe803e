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

// What the trail writer writes: a record told against the one before it in
// its batch (record_codec.cc). Version 2 is a record on its own.
inline constexpr uint8_t kRecordEncodingVersion = 3;
inline constexpr uint8_t kRecordEncodingStandalone = 2;

// Appends the version-2 encoding of `rec`, a record on its own, to `out`:
// what trails held before version 3 (and what tests build such trails with).
void encode_record(const AuditRecord& rec, std::string& out);

// Decodes one record on its own (version 1 or 2); fails with a message
// naming the field that is bad.
Result<AuditRecord> decode_record(std::span<const uint8_t> bytes);

// The same into a record the caller keeps (a reader's slot): no record is
// built and moved per decode. On failure `rec` holds a partial record.
Result<void> decode_record_into(std::span<const uint8_t> bytes, AuditRecord& rec);

// Encodes the records of one batch, each told against the one before it
// (version 3), so that what repeats from record to record (who, which
// program, which file) costs a bit, not its bytes.
class RecordEncoder {
 public:
  // The next record is the first of a batch: a reader starts afresh there.
  void start_batch();
  // Appends the encoding of `rec`, which follows the record encoded before.
  void encode(const AuditRecord& rec, std::string& out);

 private:
  AuditRecord before_;
  std::string fields_;  // the present fields' bytes, gathered before their bits
};

// Decodes the records of one batch in order, whatever their version. Once
// one fails, the rest of its batch fails too: they are told against it.
class RecordDecoder {
 public:
  void start_batch();
  Result<void> decode(std::span<const uint8_t> bytes, AuditRecord& rec);

 private:
  AuditRecord before_;
  bool broken_ = false;
};

}  // namespace c2audit
