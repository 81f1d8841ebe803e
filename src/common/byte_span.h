// Text seen as the bytes it is made of, for hashes and frame encoders.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace c2audit {

inline std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace c2audit
