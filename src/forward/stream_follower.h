// StreamFollower: reads one trail stream's records from a position on, as
// the daemon writes them: into the active segment while it grows, on into
// the next segment once a seal ends the current one (or a newer segment
// shows the current one was left by a crash), and through segments already
// compressed (decompressed as it goes: it holds a window of about a MiB of
// any segment, never a whole one). It never writes to the trail.
//
// A position names the segment file (by its first seq, as in its name), the
// offset in the segment's uncompressed bytes of the batch the next record is
// in (a batch is read from its start: its records are told against each
// other), and the last seq handed on; a record at or below that seq is never
// handed on again, so a position whose segment was removed still resumes by
// seq.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zstd.h>

#include "common/c_ptr.h"
#include "common/file_descriptor.h"
#include "common/result.h"
#include "record/audit_record.h"
#include "record/record_codec.h"

namespace c2audit {

struct StreamPosition {
  uint64_t segment = 0;   // first seq of the segment file; 0: none read yet
  uint64_t offset = 0;    // where a batch starts; 0: just after the header
  uint64_t last_seq = 0;  // last record handed on
  bool operator==(const StreamPosition&) const = default;
};

class StreamFollower {
 public:
  StreamFollower(std::filesystem::path dir, StreamPosition from);

  // The next record past the position, or nullopt when the stream has no
  // more yet. Damage a crash cannot explain is an error naming file and
  // offset; the position then stays before it.
  Result<std::optional<AuditRecord>> next();

  // From where to resume after the last record next() returned.
  const StreamPosition& position() const { return position_; }

  // Torn tails of crashed segments passed over, one line each; taken.
  std::vector<std::string> take_warnings() { return std::exchange(warnings_, {}); }

 private:
  enum class Step { record, wait, moved };
  Result<Step> step(std::optional<AuditRecord>& out);
  Result<bool> open_segment();           // false: no segment to read yet
  Result<bool> read_more();              // false: nothing new in the file
  Result<bool> decompress_more();        // read_more() of a compressed segment
  Result<bool> move_to_next_segment();   // false: the current one may still grow
  void compact();

  std::filesystem::path dir_;
  StreamPosition position_;
  bool open_ = false;
  std::filesystem::path path_;   // of the open segment
  FileDescriptor fd_;            // the segment file: raw (read as it grows) or compressed
  CPtr<ZSTD_DCtx, ZSTD_freeDCtx> zstd_;  // set while reading a compressed one
  std::vector<uint8_t> packed_;  // compressed input not yet decompressed: [packed_at_, end)
  size_t packed_at_ = 0;
  bool frame_done_ = false;      // the compressed segment's zstd frame has ended
  std::vector<uint8_t> bytes_;   // segment bytes from window_base_ on (a window of it)
  uint64_t window_base_ = 0;
  uint32_t version_ = 0;          // of the open segment's format
  uint64_t next_frame_ = 0;        // where the next frame to read starts
  uint64_t batch_end_ = 0;        // where the batch being handed on ends
  RecordDecoder decoder_;         // that batch's records so far
  AuditRecord record_;
  bool saw_newer_ = false;       // a newer segment exists: this one grows no more
  std::vector<std::string> warnings_;
};

}  // namespace c2audit
