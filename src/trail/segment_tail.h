// How a segment ends: what a writer needs to continue the trail after it, and
// what the reader needs to tell a clean end from a crash. No key is needed:
// tags are taken as stored (checking them is `verify`'s job).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/result.h"
#include "trail/hash_chain.h"
#include "trail/seal.h"
#include "trail/segment_format.h"

namespace c2audit {

// A record frame's payload split into its parts.
struct RecordFrame {
  std::span<const uint8_t> encoding;  // record_codec.h
  std::optional<Digest> tag;          // version 2 only: each record frame ends in its tag
};

// Splits a frame payload of type record in a segment of `version`; nullopt
// when it is not one.
std::optional<RecordFrame> split_record_frame(std::span<const uint8_t> payload, uint32_t version);

// Whether a frame of a segment of `version` is meant as a tag frame (by its
// type byte; split_tag_frame says whether it is a well-formed one).
bool is_tag_frame(std::span<const uint8_t> payload, uint32_t version);

// The tag of a version-3 tag frame; nullopt when the payload is not one.
std::optional<Digest> split_tag_frame(std::span<const uint8_t> payload);

// Where the batch of frames starting at `offset` ends: just past its tag
// frame (version 3), its one record frame (version 2), or a seal. Records
// count only once their tag is there: until then the batch is torn (a crash
// mid-write, or a write still under way) or, at the very end, `end`.
struct BatchScan {
  FrameStatus status = FrameStatus::end;
  size_t next_offset = 0;  // when complete
  size_t problem_offset = 0;
  std::string problem;  // when torn or corrupt
};
BatchScan scan_batch(std::span<const uint8_t> segment, size_t offset, uint32_t version);

struct SegmentEnd {
  SegmentHeader header{};
  uint64_t record_count = 0;
  uint64_t last_seq = 0;     // header.first_seq - 1 when no record
  int64_t last_time_ns = 0;  // 0 when no record
  bool has_tag = false;      // a tag (record frame in v2, tag frame in v3) was seen
  Digest last_tag{};         // the last one
  std::optional<Seal> seal;  // present when the segment was closed cleanly
  size_t durable_end = 0;    // offset just past the last complete, tagged frame
  bool torn = false;         // bytes after durable_end that are not a whole batch
  size_t size = 0;
};

// Walks `bytes` (a whole segment image). Records with no tag after them are
// part of the torn tail, not of the segment. Fails, with "offset N: ..." (no
// file name), on damage a crash cannot explain or on data after a seal; given
// the host key's `mac`, also on a tag or seal that does not authenticate
// (what the writer continuing a segment must not trust).
Result<SegmentEnd> find_segment_end(std::span<const uint8_t> bytes, uint64_t expected_first_seq,
                                    ChainMac* mac = nullptr);

}  // namespace c2audit
