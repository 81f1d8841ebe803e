// File types as auditd's -F filetype names them, which objectives'
// file_types take too, and the st_mode type bits of each.
#pragma once

#include <cstdint>
#include <string_view>

namespace c2audit {

struct FileTypeName {
  std::string_view name;
  uint32_t type;
};

inline constexpr uint32_t kFileTypeBits = 0170000;  // S_IFMT
inline constexpr FileTypeName kFileTypeNames[] = {
    {"file", 0100000}, {"dir", 0040000},   {"link", 0120000},     {"socket", 0140000},
    {"fifo", 0010000}, {"block", 0060000}, {"character", 0020000}};

}  // namespace c2audit
