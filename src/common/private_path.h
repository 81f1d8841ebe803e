// Where root keeps what others must not touch (the trail, its host key, the
// control socket): checks that a directory or file there is owned by this
// process's user and writable by no one else, and that no directory above it
// lets another user replace it (one they own, or one group or others can
// write without the sticky bit). Each failure names the path and why.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <string_view>

#include "common/result.h"

namespace c2audit {

// `dir` (which must exist) and every directory above it, along the path as
// written and as resolved. `what` says what it is for ("trail directory").
Result<void> check_private_directory(const std::filesystem::path& dir, std::string_view what);

// A file, by its stat: owned by this process's user.
Result<void> check_owned_file(const struct stat& st, const std::filesystem::path& path,
                              std::string_view what);

}  // namespace c2audit
