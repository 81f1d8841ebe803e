// DirectoryWatch: tells, without blocking, whether any of some directories
// gained, lost or renamed an entry since last asked (inotify). Move-only; the
// inotify instance closes with it.
#pragma once

#include <string>
#include <vector>

#include "common/file_descriptor.h"
#include "common/result.h"

namespace c2audit {

class DirectoryWatch {
 public:
  static Result<DirectoryWatch> create();

  // Adds directories to watch (again: a watched one is kept once). One that
  // cannot be watched is skipped: the caller watches its ancestor instead.
  void watch(const std::vector<std::string>& directories);

  // Whether any change came since the last call; takes every pending event.
  bool changed();

 private:
  explicit DirectoryWatch(FileDescriptor fd) : fd_(std::move(fd)) {}
  FileDescriptor fd_;
};

}  // namespace c2audit
