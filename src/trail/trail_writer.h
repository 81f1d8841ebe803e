// TrailWriter: appends records to the segment files of one trail directory.
//
// A trail directory holds segments named segment-<first seq, 20 digits>.c2a.
// Each segment starts with a versioned header; each record is framed as
// [u32 payload length][u32 crc32 of payload][payload = encode_record()].
// Files are created 0600 and the directory 0700, owned by the caller (root).
//
// On open, the writer finds the last valid record of the newest segment and
// continues its sequence; if that segment ends in a torn record (a crash
// mid-write), it is left untouched and a new segment is started, so nothing
// already on disk is ever overwritten. Rotation starts a new segment once the
// current one reaches `segment_bytes`.
//
// Not thread-safe: one owner appends and flushes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/result.h"
#include "record/audit_record.h"

namespace c2audit {

struct TrailOptions {
  std::filesystem::path dir = "/var/log/c2audit";
  uint64_t segment_bytes = 64ull << 20;  // rotate past this size
};

// What the writer found when it opened an existing trail.
struct TrailResume {
  uint64_t last_seq = 0;          // 0 for an empty trail
  int64_t last_time_ns = 0;       // time of that record
  bool torn_tail = false;         // newest segment ended in a partial record
  std::string torn_segment;       // its file name, when torn_tail
};

class TrailWriter {
 public:
  static Result<TrailWriter> open(const TrailOptions& options);

  TrailWriter(TrailWriter&&) noexcept;
  TrailWriter& operator=(TrailWriter&&) noexcept;
  ~TrailWriter();  // flushes what is buffered

  const TrailResume& resume() const;

  // Assigns rec.seq (last + 1) and buffers the encoded frame.
  Result<void> append(AuditRecord& rec);

  // Writes buffered frames to the file (rotating as needed).
  Result<void> flush();

  // flush() and then fdatasync() the active segment.
  Result<void> sync();

  uint64_t last_seq() const;
  std::filesystem::path active_segment() const;

 private:
  struct State;
  explicit TrailWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace c2audit
