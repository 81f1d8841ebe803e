#include "trail/append_only.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include "common/file_descriptor.h"

namespace c2audit {

bool set_append_only(int fd, bool on) {
  int flags = 0;
  if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) return false;
  int wanted = on ? (flags | FS_APPEND_FL) : (flags & ~FS_APPEND_FL);
  if (wanted == flags) return true;
  return ::ioctl(fd, FS_IOC_SETFLAGS, &wanted) == 0;
}

void clear_append_only(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.valid()) set_append_only(fd.get(), false);
}

}  // namespace c2audit
