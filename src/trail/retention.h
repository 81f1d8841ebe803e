// Which closed segments disk_full rotate-oldest may remove: the oldest
// first, and only those past the retention floor (storage_policy.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "common/result.h"
#include "trail/segment_format.h"
#include "trail/storage_policy.h"

namespace c2audit {

struct RemovalCandidate {
  SegmentFile segment;
  uint64_t bytes = 0;
};

// Closed segments of `dir` (every segment but `active`) past the floor,
// oldest first. A segment is past the floor when it was last written more
// than retain_age_ns before `now_ns` and the segments newer than it (the
// active one included) hold at least retain_bytes.
Result<std::vector<RemovalCandidate>> removable_segments(const std::filesystem::path& dir,
                                                         const std::filesystem::path& active,
                                                         const StoragePolicy& policy,
                                                         int64_t now_ns);

}  // namespace c2audit
