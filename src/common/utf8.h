// Whether bytes are well-formed UTF-8 (RFC 3629): no overlong forms, no
// surrogates, nothing past U+10FFFF. A path, an argument or a user name may
// hold any bytes; JSON can carry only such text.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace c2audit {

inline bool is_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
    uint8_t lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The sequence's length and the range its second byte must be in (the
    // narrower ranges rule out overlong forms, surrogates and > U+10FFFF).
    size_t length = 0;
    uint8_t low = 0x80, high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) low = 0xa0;
      if (lead == 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) low = 0x90;
      if (lead == 0xf4) high = 0x8f;
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    if (byte(i + 1) < low || byte(i + 1) > high) return false;
    for (size_t k = 2; k < length; ++k) {
      if ((byte(i + k) & 0xc0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

// The length of a character at `at` that UTF-8 spells in more than one byte
// and that a reader must not be shown as it is; 0 when there is none:
//   C1 controls (U+0080..U+009F, CSI among them, which a terminal obeys);
//   the line and paragraph separators U+2028/U+2029 (some readers split
//   lines on them);
//   the bidirectional controls U+202A..U+202E and U+2066..U+2069, the
//   zero-width and direction marks U+200B..U+200F and U+FEFF, which make
//   one name look like another ("Trojan Source").
inline size_t wide_control_at(std::string_view value, size_t at) {
  auto byte = [&](size_t k) { return k < value.size() ? static_cast<uint8_t>(value[k]) : 0; };
  uint8_t lead = byte(at), second = byte(at + 1), third = byte(at + 2);
  if (lead == 0xc2 && second >= 0x80 && second <= 0x9f) return 2;
  if (lead == 0xe2 && second == 0x80 &&
      ((third >= 0x8b && third <= 0x8f) || third == 0xa8 || third == 0xa9 ||
       (third >= 0xaa && third <= 0xae))) {
    return 3;
  }
  if (lead == 0xe2 && second == 0x81 && third >= 0xa6 && third <= 0xa9) return 3;
  if (lead == 0xef && second == 0xbb && third == 0xbf) return 3;
  return 0;
}

// The text with every control character (C0, DEL, and wide_control_at's) written
// as \xNN per byte, a backslash as two, and, when the text is not UTF-8,
// every byte past ASCII as \xNN too: printable, valid UTF-8, and two
// different inputs never read alike.
inline std::string escape_unprintable(std::string_view value) {
  bool escape_high = !is_utf8(value);
  std::string out;
  out.reserve(value.size());
  size_t escape_until = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<uint8_t>(value[i]);
    if (i >= escape_until) escape_until = i + wide_control_at(value, i);
    if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f || (escape_high && c >= 0x80) || i < escape_until) {
      char hex[5];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace c2audit
