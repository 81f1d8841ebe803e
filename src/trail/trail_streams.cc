#include "trail/trail_streams.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

namespace c2audit {
namespace {

// k of "stream-<k>", 1 <= k < kMaxStreams, in its one spelling (no leading 0).
std::optional<unsigned> parse_stream_name(std::string_view name) {
  if (!name.starts_with(kStreamDirPrefix)) return std::nullopt;
  std::string_view digits = name.substr(std::strlen(kStreamDirPrefix));
  unsigned index = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.starts_with('0') ||
      index == 0 || index >= kMaxStreams) {
    return std::nullopt;
  }
  return index;
}

}  // namespace

std::filesystem::path stream_dir(const std::filesystem::path& trail, unsigned index) {
  return index == 0 ? trail : trail / fmt::format("{}{}", kStreamDirPrefix, index);
}

std::string stream_file_label(unsigned index, const std::filesystem::path& file) {
  std::string name = file.filename().native();
  return index == 0 ? name : fmt::format("{}{}/{}", kStreamDirPrefix, index, name);
}

Result<std::vector<TrailStream>> list_streams(const std::filesystem::path& trail) {
  struct stat st {};
  if (::stat(trail.c_str(), &st) != 0) {
    return fail(fmt::format("{}: {}", trail.native(), std::strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) return fail(fmt::format("{}: not a directory", trail.native()));
  std::vector<TrailStream> streams{{0, trail}};
  std::error_code ec;
  std::filesystem::directory_iterator it(trail, ec);
  if (ec) return fail(fmt::format("{}: {}", trail.native(), ec.message()));
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    auto index = parse_stream_name(it->path().filename().native());
    if (!index) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) {
      return fail(fmt::format("{}: {}", it->path().native(), std::strerror(errno)));
    }
    if (!S_ISDIR(st.st_mode)) {
      return fail(fmt::format("{}: a trail stream must be a directory, not a link or file",
                              it->path().native()));
    }
    streams.push_back({*index, it->path()});
  }
  if (ec) return fail(fmt::format("{}: {}", trail.native(), ec.message()));
  std::sort(streams.begin(), streams.end(),
            [](const TrailStream& a, const TrailStream& b) { return a.index < b.index; });
  return streams;
}

}  // namespace c2audit
