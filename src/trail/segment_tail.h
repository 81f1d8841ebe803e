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
  std::span<const uint8_t> encoding;  // encode_record() bytes
  Digest tag{};
};

// Splits a frame payload of type record; nullopt when it is not one.
std::optional<RecordFrame> split_record_frame(std::span<const uint8_t> payload);

struct SegmentEnd {
  SegmentHeader header{};
  uint64_t record_count = 0;
  uint64_t last_seq = 0;     // header.first_seq - 1 when no record
  int64_t last_time_ns = 0;  // 0 when no record
  bool has_tag = false;      // a record frame was seen
  Digest last_tag{};         // of the last record
  std::optional<Seal> seal;  // present when the segment was closed cleanly
  size_t durable_end = 0;    // offset just past the last complete frame
  bool torn = false;         // bytes after durable_end that are not a frame
  size_t size = 0;
};

// Walks `bytes` (a whole segment image). Fails, with "offset N: ..." (no file
// name), on damage a crash cannot explain or on data after a seal; given the
// host key's `mac`, also on a record tag or seal that does not authenticate
// (what the writer continuing a segment must not trust).
Result<SegmentEnd> find_segment_end(std::span<const uint8_t> bytes, uint64_t expected_first_seq,
                                    ChainMac* mac = nullptr);

}  // namespace c2audit
