// TrailWriter: appends records to the segment files of one trail directory.
//
// A trail directory holds segments named segment-<first seq, 20 digits>.c2a
// (.c2a.zst once closed and compressed). Each segment starts with a versioned
// header naming how its predecessor ended; each record is framed as
// [u32 length][u32 crc32][payload = 'R' + RecordEncoder::encode()], each flush (and
// every kMaxBatchBytes) closes the batch of record frames with a tag frame
// ('T' + chain tag), and a closed segment ends with a seal frame (seal.h).
// Tags and seals use the host key (hash_chain.h). The directory is 0750, the active segment 0600
// and append-only where the file system supports it, closed segments 0640.
//
// Every writer starts a new segment (on its first append), so nothing a
// previous run left on disk is ever rewritten: after a clean close the new
// header names the old seal; after a crash it names the last durable
// tag, and resume() describes the gap. Rotation seals the active
// segment once it reaches `segment_bytes` or `max_segment_age_ns`.
//
// Not thread-safe: one owner appends and flushes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "record/audit_record.h"
#include "trail/delivery_floor.h"
#include "trail/host_key.h"
#include "trail/trail_streams.h"

namespace c2audit {

struct TrailOptions {
  std::filesystem::path dir = "/var/log/c2audit";
  uint64_t segment_bytes = 64ull << 20;  // rotate past this size
  std::filesystem::path key_file = kDefaultKeyFile;
  std::filesystem::path seal_log;  // each seal is also logged here (seal_log.h); empty: not
  int64_t max_segment_age_ns = 0;  // rotate segments older than this; 0: size only
  bool compress_closed = true;     // zstd closed segments
  // One stream of a trail with several (trail_streams.h): `dir` is the
  // stream's directory, and seqs come from `shared_seq`. streams == 0: the
  // trail's only chain, seqs from this writer alone.
  uint16_t stream = 0;
  uint16_t streams = 0;
  SharedSeq shared_seq;
  // With --forward: what the collector has, which retention must respect.
  std::shared_ptr<DeliveryFloor> delivery;
};

// What the writer found when it opened an existing trail.
struct TrailResume {
  uint64_t last_seq = 0;        // 0 for an empty trail
  int64_t last_time_ns = 0;     // time of that record
  bool crashed = false;         // the newest segment has no seal: the last run did not close it
  std::string crashed_segment;  // its file name, when crashed
  bool torn_tail = false;       // ...and it ends in a partial record
  uint64_t torn_offset = 0;     // where the partial record starts
  uint64_t torn_bytes = 0;
  std::string torn_segment;  // = crashed_segment, when torn_tail
};

class TrailWriter {
 public:
  static Result<TrailWriter> open(const TrailOptions& options);

  TrailWriter(TrailWriter&&) noexcept;
  TrailWriter& operator=(TrailWriter&&) noexcept;
  ~TrailWriter();  // close(): flushes and seals

  const TrailResume& resume() const;
  const KeyId& key_id() const;

  // Assigns rec.seq (last + 1, or the shared counter's next) and buffers the frame; rotates first when the
  // active segment is full or too old.
  Result<void> append(AuditRecord& rec);

  // Writes buffered frames to the active segment.
  Result<void> flush();

  // flush() and then fdatasync() the active segment.
  Result<void> sync();

  // Seals the active segment now (if it holds records); the next append
  // starts a new one. Used for age-based rotation while idle.
  Result<void> rotate();

  // flush, seal, sync: a clean end. Later appends fail.
  Result<void> close();

  // A clean end for a stream no one continues: an empty segment naming how
  // the newest one ended (a crash is then recovered from), sealed as final.
  Result<void> end_chain();

  // Bytes appended but not yet written.
  size_t buffered_bytes() const;

  // Notes about closed segments that could not be compressed (left raw);
  // taken by the caller, which records them.
  std::vector<std::string> take_notes();

  // Closed segments are compressed on a thread of the writer's own (see
  // CompressionWorker); whoever removes segment files holds this meanwhile.
  std::unique_lock<std::mutex> lock_segment_files();

  uint64_t last_seq() const;
  std::filesystem::path active_segment() const;
  // Creation time (wall clock) of the active segment, 0 when none is open.
  int64_t active_created_ns() const;

 private:
  struct State;
  explicit TrailWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace c2audit
