// Errno names as glibc spells them ("EACCES"), for objectives and the rules
// they are imported from.
#pragma once

#include <string.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace c2audit {

// The number of an errno name ("EACCES" -> 13); nullopt for no such name.
inline std::optional<uint32_t> errno_number(std::string_view name) {
  constexpr int kMaxErrno = 4095;  // the kernel's MAX_ERRNO
  for (int e = 1; e <= kMaxErrno; ++e) {
    const char* n = strerrorname_np(e);
    if (n && name == n) return static_cast<uint32_t>(e);
  }
  return std::nullopt;
}

}  // namespace c2audit
