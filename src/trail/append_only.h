// The append-only inode flag (chattr +a) on the active segment: even root
// must clear it (CAP_LINUX_IMMUTABLE) before truncating or rewriting the
// file, and the change of flags shows up in the kernel audit log. File
// systems without the flag (tmpfs before 6.0, some FUSE) are not an error.
#pragma once

#include <filesystem>

namespace c2audit {

// Sets or clears the flag on an open file; returns whether the file system
// supports it (false, silently, when it does not).
bool set_append_only(int fd, bool on);

// Clears the flag by path (before a segment is compressed or removed).
void clear_append_only(const std::filesystem::path& path);

}  // namespace c2audit
