// Little-endian integers in byte strings: the one byte order of every c2audit
// file format (records, segment headers, seals).
#pragma once

#include <endian.h>

#include <concepts>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace c2audit {

template <std::unsigned_integral T>
T to_le(T v) {
  if constexpr (sizeof(T) == 2) return htole16(v);
  if constexpr (sizeof(T) == 4) return htole32(v);
  if constexpr (sizeof(T) == 8) return htole64(v);
  if constexpr (sizeof(T) == 1) return v;
}

template <std::unsigned_integral T>
T from_le(T v) {
  return to_le(v);  // the same swap, or none, both ways
}

template <std::unsigned_integral T>
void append_le(std::string& out, T v) {
  v = to_le(v);
  out.append(reinterpret_cast<const char*>(&v), sizeof(v));
}

// Reads a T at `offset`; the caller has checked that it is in range.
template <std::unsigned_integral T>
T load_le(std::span<const uint8_t> bytes, size_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof(v));
  return from_le(v);
}

}  // namespace c2audit
