#include "common/directory_watch.h"

#include <sys/inotify.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace c2audit {
namespace {

// A name appearing, going or moving, or the directory itself going.
constexpr uint32_t kChanges = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
                              IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

Result<DirectoryWatch> DirectoryWatch::create() {
  FileDescriptor fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd.valid()) return fail(std::string("inotify_init1: ") + std::strerror(errno));
  return DirectoryWatch(std::move(fd));
}

void DirectoryWatch::watch(const std::vector<std::string>& directories) {
  for (const auto& dir : directories) (void)inotify_add_watch(fd_.get(), dir.c_str(), kChanges);
}

bool DirectoryWatch::changed() {
  alignas(inotify_event) std::array<char, 4096> events;
  bool any = false;
  while (::read(fd_.get(), events.data(), events.size()) > 0) any = true;
  return any;
}

}  // namespace c2audit
