// TrailLock::held: how verify tells a running daemon's trail from one at
// rest. The lock is taken here by flock on another open file description, as
// a daemon's is.
#include "trail/trail_lock.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>

#include <filesystem>
#include <fstream>

#include "common/file_descriptor.h"
#include "scratch_files.h"

namespace c2audit {
namespace {

FileDescriptor locked(const std::filesystem::path& file) {
  std::ofstream(file) << "";
  FileDescriptor fd(::open(file.c_str(), O_RDWR | O_CLOEXEC));
  EXPECT_TRUE(fd.valid());
  EXPECT_EQ(::flock(fd.get(), LOCK_EX | LOCK_NB), 0);
  return fd;
}

TEST(TrailLock, HeldOnlyWhileItsLockFileIsLocked) {
  testing_files::ScratchDir trail("c2audit-lock");
  EXPECT_FALSE(TrailLock::held(trail.path()));  // no lock file: no daemon
  {
    FileDescriptor daemon = locked(trail.path() / ".lock");
    EXPECT_TRUE(TrailLock::held(trail.path()));
  }
  EXPECT_FALSE(TrailLock::held(trail.path()));  // the daemon gone, its file left
}

// Someone who can plant a link there cannot make a trail at rest look
// written (which would excuse its unsealed tail) through a file they lock.
TEST(TrailLock, APlantedLinkToALockedFileIsNotFollowed) {
  testing_files::ScratchDir trail("c2audit-lock");
  FileDescriptor elsewhere = locked(trail.path() / "theirs");
  std::filesystem::create_symlink(trail.path() / "theirs", trail.path() / ".lock");
  EXPECT_FALSE(TrailLock::held(trail.path()));
}

}  // namespace
}  // namespace c2audit
