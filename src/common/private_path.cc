#include "common/private_path.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace c2audit {
namespace {

constexpr mode_t kWritableByOthers = S_IWGRP | S_IWOTH;

Result<struct stat> stat_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return fail(fmt::format("{}: {}", path.native(), std::strerror(errno)));
  }
  return st;
}

// A directory above `dir`: whoever owns it, or may write it without the
// sticky bit, may rename `dir` away and put another in its place.
Result<void> check_ancestor(const std::filesystem::path& above, const std::filesystem::path& dir,
                            std::string_view what) {
  auto st = stat_of(above);
  if (!st) return tl::unexpected(st.error());
  if (st->st_uid != 0 && st->st_uid != ::geteuid()) {
    return fail(fmt::format("{} {}: {} above it is owned by uid {}, who could replace it",
                            what, dir.native(), above.native(), st->st_uid));
  }
  if ((st->st_mode & kWritableByOthers) && !(st->st_mode & S_ISVTX)) {
    return fail(fmt::format("{} {}: {} above it is writable by others (mode {:o}) without the "
                            "sticky bit: anyone could replace it",
                            what, dir.native(), above.native(), st->st_mode & 07777));
  }
  return {};
}

Result<void> check_ancestors(const std::filesystem::path& path, const std::filesystem::path& dir,
                             std::string_view what) {
  for (auto above = path.parent_path(); !above.empty(); above = above.parent_path()) {
    if (auto ok = check_ancestor(above, dir, what); !ok) return ok;
    if (above == above.root_path()) break;
  }
  return {};
}

}  // namespace

Result<void> check_owned_file(const struct stat& st, const std::filesystem::path& path,
                              std::string_view what) {
  if (st.st_uid != ::geteuid()) {
    return fail(fmt::format("{} {}: owned by uid {}, not by uid {} that uses it (that user "
                            "could read or replace it)",
                            what, path.native(), st.st_uid, ::geteuid()));
  }
  return {};
}

Result<void> check_private_directory(const std::filesystem::path& dir, std::string_view what) {
  auto st = stat_of(dir);
  if (!st) return tl::unexpected(st.error());
  if (!S_ISDIR(st->st_mode)) return fail(fmt::format("{} {}: not a directory", what, dir.native()));
  if (auto ok = check_owned_file(*st, dir, what); !ok) return ok;
  if (st->st_mode & kWritableByOthers) {
    return fail(fmt::format("{} {}: writable by group or others (mode {:o}); make it 0750 or "
                            "stricter",
                            what, dir.native(), st->st_mode & 07777));
  }
  std::error_code ec;
  auto written = std::filesystem::absolute(dir, ec).lexically_normal();
  if (ec) return fail(fmt::format("{} {}: {}", what, dir.native(), ec.message()));
  auto resolved = std::filesystem::canonical(dir, ec);
  if (ec) return fail(fmt::format("{} {}: {}", what, dir.native(), ec.message()));
  if (auto ok = check_ancestors(written, dir, what); !ok) return ok;
  return check_ancestors(resolved, dir, what);
}

}  // namespace c2audit
