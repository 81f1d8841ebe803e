// TrailLock: one daemon per trail directory. Holds an exclusive flock on
// <trail>/.lock for its lifetime; a second daemon on the same trail fails
// instead of interleaving segments, and a reader can tell whether a writer
// is running.
#pragma once

#include <filesystem>

#include "common/file_descriptor.h"
#include "common/result.h"

namespace c2audit {

class TrailLock {
 public:
  static Result<TrailLock> acquire(const std::filesystem::path& trail_dir);

  // Whether a running daemon holds the lock of this trail.
  static bool held(const std::filesystem::path& trail_dir);

 private:
  explicit TrailLock(FileDescriptor fd) : fd_(std::move(fd)) {}
  FileDescriptor fd_;
};

}  // namespace c2audit
