#include "trail/quarantine.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>  // renameat2
#include <cstring>

#include "common/clock.h"
#include "record/time_format.h"

namespace c2audit {
namespace {

constexpr mode_t kQuarantineDirMode = 0750;
constexpr mode_t kQuarantinedMode = 0440;

std::string errno_text(const std::filesystem::path& path, const char* what) {
  return fmt::format("{}: {}: {}", path.native(), what, std::strerror(errno));
}

// The quarantine directory, made if needed; never a link (root moves files in).
Result<std::filesystem::path> quarantine_dir(const std::filesystem::path& dir) {
  auto path = dir / kQuarantineDir;
  if (::mkdir(path.c_str(), kQuarantineDirMode) != 0 && errno != EEXIST) {
    return fail(errno_text(path, "cannot create"));
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return fail(errno_text(path, "stat"));
  if (!S_ISDIR(st.st_mode)) return fail(fmt::format("{}: not a directory", path.native()));
  return path;
}

}  // namespace

Result<std::filesystem::path> quarantine_file(const std::filesystem::path& dir,
                                              const std::filesystem::path& file) {
  auto into = quarantine_dir(dir);
  if (!into) return tl::unexpected(into.error());
  // 2026-12-01T10:30:00.123456789Z-segment-….c2a: unique, and sorts by time.
  auto target = *into / fmt::format("{}-{}", format_rfc3339(realtime_ns()),
                                    file.filename().native());
  // RENAME_NOREPLACE: a name already there is never overwritten.
  if (::renameat2(AT_FDCWD, file.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
    return fail(errno_text(file, "cannot move into quarantine"));
  }
  struct stat st {};
  if (::lstat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    ::chmod(target.c_str(), kQuarantinedMode);  // a link's target is left alone
  }
  return target;
}

Result<std::vector<std::filesystem::path>> list_quarantined(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  auto path = dir / kQuarantineDir;
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) return files;
  std::filesystem::directory_iterator it(path, ec);
  if (ec) return fail(fmt::format("{}: {}", path.native(), ec.message()));
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) files.push_back(it->path());
  if (ec) return fail(fmt::format("{}: {}", path.native(), ec.message()));
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace c2audit
