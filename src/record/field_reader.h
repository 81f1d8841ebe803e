// FieldReader: reads the fields of one record encoding in order from a byte
// span (record_codec.cc and its version-1 decoder). The first failure is
// sticky: it records the field name, and every later read returns a zero
// value without touching the input, so a decoder checks once at the end.
// Lengths are bounded by the bytes left, never by what a length claims.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "common/little_endian.h"

namespace c2audit {

class FieldReader {
 public:
  explicit FieldReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool failed() const { return failed_field_ != nullptr; }
  const char* failed_field() const { return failed_field_; }
  const char* failure_reason() const { return failure_reason_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  // Marks `field` bad for `reason` unless an earlier field already failed.
  void fail_field(const char* field, const char* reason) {
    if (failed()) return;
    failed_field_ = field;
    failure_reason_ = reason;
  }

  uint8_t u8(const char* field) { return fixed<uint8_t>(field); }
  uint16_t u16(const char* field) { return fixed<uint16_t>(field); }
  uint32_t u32(const char* field) { return fixed<uint32_t>(field); }
  uint64_t u64(const char* field) { return fixed<uint64_t>(field); }
  int64_t i64(const char* field) { return static_cast<int64_t>(u64(field)); }

  // LEB128, as the encoder writes it: at most 64 bits, in the fewest bytes
  // (a trailing zero byte, or bits past 64, are refused).
  uint64_t varint(const char* field) {
    uint64_t v = 0;
    for (unsigned i = 0; i < kMaxVarintBytes && !failed(); ++i) {
      uint8_t byte = u8(field);
      if (i == kMaxVarintBytes - 1 && byte > 1) break;
      v |= static_cast<uint64_t>(byte & kVarintMask) << (kVarintPayloadBits * i);
      if ((byte & kVarintContinue) != 0) continue;
      if (byte == 0 && i > 0) fail_field(field, "length not in its shortest form");
      return v;
    }
    fail_field(field, "overlong length");
    return 0;
  }

  std::string str(const char* field) {
    uint64_t len = varint(field);
    if (failed()) return {};
    if (len > remaining()) {
      fail_field(field, "length past end of record");
      return {};
    }
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), len);
    pos_ += len;
    return s;
  }

  static constexpr unsigned kVarintPayloadBits = 7;
  static constexpr uint8_t kVarintContinue = 0x80;
  static constexpr uint8_t kVarintMask = 0x7f;
  static constexpr unsigned kMaxVarintBytes = 10;  // ceil(64 / 7)

 private:
  template <typename T>
  T fixed(const char* field) {
    T v = 0;
    if (failed()) return v;
    if (sizeof(T) > remaining()) {
      fail_field(field, "truncated");
      return v;
    }
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return from_le(v);
  }

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  const char* failed_field_ = nullptr;
  const char* failure_reason_ = nullptr;
};

}  // namespace c2audit
