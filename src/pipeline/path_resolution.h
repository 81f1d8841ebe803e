// Turning what the sensor saw into one absolute, normalized path.
#pragma once

#include <string>
#include <string_view>

namespace c2audit {

// Lexically normalizes an absolute path: collapses "//", drops ".", and
// resolves ".." against the preceding component ("/.." stays "/"). Symlinks
// are not followed: the kernel's view of the object comes from the sensor.
std::string normalize_path(std::string_view absolute);

// out = normalize_path(absolute), reusing out's buffer when `absolute` is
// already normal (as walked paths are): the decoder's per-record case.
void assign_normalized_path(std::string& out, std::string_view absolute);

// The absolute form of `name` as the caller gave it: itself when absolute,
// else joined to `base_dir`. Empty when `name` is relative and the base dir
// is unknown (the caller then keeps `name` and marks it unresolved).
std::string absolute_path(std::string_view name, std::string_view base_dir);

}  // namespace c2audit
