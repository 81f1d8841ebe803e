// The streams of a trail directory. A daemon with several consumers writes
// one stream per consumer, each its own chain of segments: stream 0 in the
// trail directory itself (where a one-consumer trail has all its segments),
// stream k in its subdirectory stream-<k>. Every record takes its seq from
// one counter shared by all streams, so a seq names one record of the host,
// and within a stream seqs only increase. Readers merge the streams by time.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "trail/segment_format.h"

namespace c2audit {

inline constexpr const char* kStreamDirPrefix = "stream-";
inline constexpr unsigned kMaxStreams = kMaxSegmentStreams;  // a header names no more

// The seq counter the streams of one daemon share: the last seq handed out.
using SharedSeq = std::shared_ptr<std::atomic<uint64_t>>;

struct TrailStream {
  unsigned index = 0;
  std::filesystem::path dir;
};

// The directory of stream `index` of `trail`.
std::filesystem::path stream_dir(const std::filesystem::path& trail, unsigned index);

// Stream 0 (the trail directory itself), then each stream-<k> subdirectory
// (1 <= k < kMaxStreams) in order. A trail that is missing or not a
// directory is an error ("<dir>: ..."), as are entries named like a stream
// that are not plain directories (e.g. a symlink), and unlistable ones.
Result<std::vector<TrailStream>> list_streams(const std::filesystem::path& trail);

// "stream-2/segment-…c2a" for a file of stream 2; the file name for stream 0.
std::string stream_file_label(unsigned index, const std::filesystem::path& file);

}  // namespace c2audit
