#include "trail/retention.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace c2audit {

Result<std::vector<RemovalCandidate>> removable_segments(const std::filesystem::path& dir,
                                                         const std::filesystem::path& active,
                                                         const StoragePolicy& policy,
                                                         int64_t now_ns) {
  auto segments = list_segments(dir);
  if (!segments) return tl::unexpected(segments.error());
  struct Info {
    SegmentFile segment;
    uint64_t bytes;
    int64_t mtime_ns;
  };
  std::vector<Info> infos;
  uint64_t active_bytes = 0;
  for (const auto& segment : *segments) {
    struct stat st {};
    if (::stat(segment.path.c_str(), &st) != 0) {
      return fail(fmt::format("{}: {}", segment.path.native(), std::strerror(errno)));
    }
    auto bytes = static_cast<uint64_t>(st.st_size);
    if (segment.path == active) {
      active_bytes = bytes;
      continue;
    }
    int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    infos.push_back(Info{segment, bytes, mtime});
  }
  // newer_bytes[i]: what stays when segments 0..i are gone.
  std::vector<uint64_t> newer_bytes(infos.size());
  uint64_t newer = active_bytes;
  for (size_t i = infos.size(); i-- > 0;) {
    newer_bytes[i] = newer;
    newer += infos[i].bytes;
  }
  std::vector<RemovalCandidate> out;
  for (size_t i = 0; i < infos.size(); ++i) {
    bool old_enough =
        policy.retain_age_ns == 0 || now_ns - infos[i].mtime_ns > policy.retain_age_ns;
    bool enough_left = newer_bytes[i] >= policy.retain_bytes;
    if (!old_enough || !enough_left) break;  // oldest first: nothing newer may go either
    out.push_back(RemovalCandidate{infos[i].segment, infos[i].bytes});
  }
  return out;
}

}  // namespace c2audit
