// On-disk layout of one trail segment. Shared by writer and reader.
#pragma once

#include <cstdint>
#include <string>

namespace c2audit {

inline constexpr char kSegmentMagic[8] = {'C', '2', 'A', 'T', 'R', 'A', 'I', 'L'};
inline constexpr uint32_t kSegmentVersion = 1;
inline constexpr const char* kSegmentPrefix = "segment-";
inline constexpr const char* kSegmentSuffix = ".c2a";
inline constexpr uint32_t kMaxFramePayload = 1u << 20;  // sanity bound on a frame

// Fixed-size segment header, little-endian on disk.
struct SegmentHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;   // sizeof(SegmentHeader), so later versions can grow it
  uint64_t first_seq;     // seq of the first record this segment holds
  int64_t created_ns;     // wall clock when the segment was opened
};
static_assert(sizeof(SegmentHeader) == 32);

// Frame prefix before each encoded record.
struct FrameHeader {
  uint32_t length;  // payload bytes
  uint32_t crc32;   // zlib crc32 of the payload
};
static_assert(sizeof(FrameHeader) == 8);

// "segment-00000000000000000001.c2a"
std::string segment_file_name(uint64_t first_seq);

}  // namespace c2audit
