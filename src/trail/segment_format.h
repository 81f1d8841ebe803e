// On-disk layout of one trail segment. Shared by writer and reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "trail/hash_chain.h"

namespace c2audit {

inline constexpr char kSegmentMagic[8] = {'C', '2', 'A', 'T', 'R', 'A', 'I', 'L'};
// Version 2: keyed hash chain (a tag in every record frame), seals, and
// headers that name the previous seal. Version 3, written on 2026-12-02:
// the same, but one tag frame closes each batch of record frames. Version
// 4, written since 2026-12-03: the same, but a record may be told against
// the one before it in its batch (record encoding 3, record_codec.h), which
// a reader of version 3 would take for a damaged record.
inline constexpr uint32_t kSegmentVersion = 4;
inline constexpr uint32_t kOldestSegmentVersion = 2;  // still read and verified
inline constexpr const char* kSegmentPrefix = "segment-";
inline constexpr const char* kSegmentSuffix = ".c2a";
inline constexpr const char* kCompressedSuffix = ".zst";  // appended to a closed segment's name
inline constexpr uint32_t kMaxFramePayload = 1u << 20;    // sanity bound on a frame
inline constexpr uint16_t kMaxSegmentStreams = 256;       // = kMaxStreams (trail_streams.h)
// The largest segment c2auditd writes (--segment-size is at most 1024 MiB;
// the frame that passes it and the seal may follow), and so the most a
// reader holds of one: a file, or a zstd frame, that claims more is refused
// rather than believed.
inline constexpr uint64_t kMaxSegmentBytes = (1ull << 30) + 2 * kMaxFramePayload;

// How a segment's predecessor ended, as its successor's header records it.
enum class PreviousEnd : uint32_t {
  none = 0,     // the first segment of the trail
  sealed = 1,   // prev_digest is the predecessor's seal MAC
  crashed = 2,  // no seal (crash): prev_digest is the tag of its last durable frame
};

// Fixed-size segment header, little-endian on disk.
struct SegmentHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;  // sizeof(SegmentHeader), so later versions can grow it
  uint64_t first_seq;    // seq of the first record this segment holds
  int64_t created_ns;    // wall clock when the segment was opened
  PreviousEnd prev_end;
  // A trail written by several consumers has one stream per consumer, each a
  // chain of its own, all drawing seqs from one counter (trail_streams.h):
  // streams is their number, stream this segment's. 0 streams: the trail is
  // one chain whose seqs are contiguous; else a stream's seqs only increase.
  uint16_t stream;
  uint16_t streams;
  uint64_t prev_last_seq;  // last seq of the predecessor (first_seq - 1 when none)
  Digest prev_digest;      // see PreviousEnd; zero when none
  KeyId key_id;            // the host key this segment's chain uses
};
static_assert(sizeof(SegmentHeader) == 88);

// Frame prefix before each payload. The payload's first byte is its type.
struct FrameHeader {
  uint32_t length;  // payload bytes
  uint32_t crc32;   // CRC-32 (as zlib and gzip) of the payload
};
static_assert(sizeof(FrameHeader) == 8);

// Frame payloads: 'R' + a record's encoding (+ chain tag in version 2),
// 'T' + chain tag of the batch before it (version 3), 'S' + seal (seal.h).
// In version 4 a record may be told against the record before it in its
// batch (record_codec.h): a reader decodes a batch from its first record.
enum class FrameType : uint8_t { record = 'R', batch_tag = 'T', seal = 'S' };

// A tag frame follows at most this many bytes of record frames, or this
// many records (told against each other, a storm's take ~15 bytes), so that
// a tag failing `verify` names a small range of records and a reader
// resuming inside a batch has few to read again.
inline constexpr size_t kMaxBatchBytes = 64 * 1024;
inline constexpr size_t kMaxBatchRecords = 256;
// The most bytes of record frames a tag can follow: the writer tags once a
// batch reaches kMaxBatchBytes, so the frame that passes it is the last.
// Readers refuse a longer run of untagged records rather than hold it.
inline constexpr size_t kMaxBatchSpan = kMaxBatchBytes + sizeof(FrameHeader) + kMaxFramePayload;

inline constexpr size_t kSegmentSeqDigits = 20;  // enough for any uint64_t
// Largest header_size a reader accepts; later versions may grow the header.
inline constexpr uint32_t kMaxSegmentHeaderSize = 4096;

// "segment-00000000000000000001.c2a"
std::string segment_file_name(uint64_t first_seq);

// The first seq a segment file name stands for, or nullopt if `name` is not
// exactly prefix + 20 digits + suffix (such files are not part of the trail).
std::optional<uint64_t> parse_segment_file_name(const std::string& name);

// One segment file of a trail directory.
struct SegmentFile {
  std::filesystem::path path;
  uint64_t first_seq = 0;   // from the file name
  bool compressed = false;  // name ends in .c2a.zst
};

// Segment files of `dir`, sorted by first seq, raw (.c2a) or compressed
// (.c2a.zst). Files whose names do not match the segment pattern are ignored
// (e.g. the daemon's .lock); a matching name that is not a regular file (a
// link too) is an error, or, given `not_files`, put there instead. When both
// forms of one segment exist (a crash while compressing), the raw one is
// listed. Fails if `dir` cannot be listed.
Result<std::vector<SegmentFile>> list_segments(const std::filesystem::path& dir,
                                               std::vector<std::filesystem::path>* not_files = nullptr);

// The on-disk bytes of a segment header (little-endian); magic, version and
// header_size are filled in.
std::string encode_segment_header(const SegmentHeader& header);

// Parses and validates the header at the start of `bytes` (the file's
// beginning, at least sizeof(SegmentHeader) bytes for success): magic, version,
// header size (frames start at header_size, which must fit in file_size), and
// first_seq against `expected_first_seq` from the file name. Errors say what is
// wrong, without the file name.
Result<SegmentHeader> decode_segment_header(std::span<const uint8_t> bytes, uint64_t file_size,
                                            uint64_t expected_first_seq);

// Reads and validates the header of one segment file (raw or compressed);
// errors are "<path>: ...".
Result<SegmentHeader> read_segment_header(const SegmentFile& segment);

// Reads the whole segment into `out` (reusing its capacity), decompressing a
// .zst file; never more than kMaxSegmentBytes, whatever its size or its zstd
// frame claims. Errors are "<path>: <what>".
Result<void> read_segment_bytes(const SegmentFile& segment, std::vector<uint8_t>& out);

// Appends a frame header for `payload` to `out`.
void encode_frame_header(std::span<const uint8_t> payload, std::string& out);

// Writes the frame header for `payload` over the sizeof(FrameHeader) bytes at `out`.
void put_frame_header(std::span<const uint8_t> payload, char* out);

// What is found at one offset of a segment image.
enum class FrameStatus {
  complete,  // a whole frame with a matching crc
  end,       // offset is exactly the end of the data
  torn,      // an incomplete last frame: what a crash mid-write leaves behind
  corrupt,   // damage that a crash cannot explain
};

struct FrameScan {
  FrameStatus status = FrameStatus::end;
  std::span<const uint8_t> payload;  // when complete
  size_t next_offset = 0;            // when complete: where the next frame starts
  std::string problem;               // when torn or corrupt
};

// Examines the frame at `offset` of `segment` (the whole file's bytes). A frame
// whose header or payload runs past the end, whose crc fails while it is the
// last frame, or a zero-filled tail, is torn; an over-limit length, an empty
// frame, or a bad crc with more data after it is corrupt.
FrameScan scan_frame(std::span<const uint8_t> segment, size_t offset);

}  // namespace c2audit
