// Lowercase hexadecimal text for byte strings (digests, key ids, keys).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace c2audit {

inline std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

// Parses exactly 2 * out.size() lowercase hex digits into `out`; false when
// `text` has another length or a character that is not one.
inline bool parse_hex(std::string_view text, std::span<uint8_t> out) {
  auto value = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (text.size() != 2 * out.size()) return false;
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = value(text[2 * i]);
    int lo = value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace c2audit
