// zstd compression of closed segments. A sealed segment never changes again,
// so it is compressed whole (one zstd frame that records its content size)
// and readers decompress it in memory: offsets they report are offsets in
// the uncompressed segment, the same as before compression.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "common/result.h"

namespace c2audit {

// A fast level (--fast=3): on trail records 1.8% larger than level 1 at
// twice its speed, so closing a segment takes less from audited work.
inline constexpr int kSegmentZstdLevel = -3;

// Replaces `raw` (a closed segment) by `raw` + ".zst": compressed into a
// temporary file, synced, linked in, directory synced, then `raw` removed.
// A crash at any point leaves at least one complete copy. Returns the new path.
Result<std::filesystem::path> compress_segment(const std::filesystem::path& raw);

// Its two halves, for a caller that keeps others off the segment files only
// while they change: the long part, compressing `raw` into a synced hidden
// temporary file (returned); then linking it in and removing `raw`.
Result<std::filesystem::path> compress_segment_to_temp(const std::filesystem::path& raw);
Result<std::filesystem::path> commit_compressed_segment(const std::filesystem::path& raw,
                                                        const std::filesystem::path& temp);

// Decompresses a whole .zst segment into `out`, growing it only as data
// actually comes out (the size the frame claims is not trusted), and fails
// past `limit` bytes.
Result<void> read_compressed_file(const std::filesystem::path& path, size_t limit,
                                  std::vector<uint8_t>& out);

// Reads a whole file into `out`; fails, without reading, when it is larger
// than `limit` bytes (e.g. a sparse file claiming a terabyte).
Result<void> read_file_at_most(const std::filesystem::path& path, size_t limit,
                               std::vector<uint8_t>& out);

// Decompresses at most `limit` leading bytes (enough for a header).
Result<void> read_compressed_prefix(const std::filesystem::path& path, size_t limit,
                                    std::vector<uint8_t>& out);

}  // namespace c2audit
