#include "trail/trail_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/private_path.h"

namespace c2audit {
namespace {
constexpr const char* kLockName = ".lock";
}  // namespace

Result<TrailLock> TrailLock::acquire(const std::filesystem::path& trail_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(trail_dir, ec)) {
    std::filesystem::create_directories(trail_dir, ec);
    if (ec || ::chmod(trail_dir.c_str(), 0750) != 0) {
      return fail(fmt::format("{}: cannot create trail directory: {}", trail_dir.native(),
                              ec ? ec.message() : std::strerror(errno)));
    }
  }
  // Before anything is created in it: a directory another user owns or may
  // write lets them plant links, and delete every segment later.
  if (auto ok = check_private_directory(trail_dir, "trail directory"); !ok) {
    return tl::unexpected(ok.error());
  }
  auto path = trail_dir / kLockName;
  FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return fail(fmt::format("{}: {}{}", path.native(), std::strerror(errno),
                            errno == ELOOP ? " (a symbolic link: not followed)" : ""));
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    return fail(fmt::format("{}: another c2auditd is writing this trail", trail_dir.native()));
  }
  return TrailLock(std::move(fd));
}

bool TrailLock::held(const std::filesystem::path& trail_dir) {
  auto path = trail_dir / kLockName;
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return false;
  return ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

}  // namespace c2audit
