// parse_decimal: a whole string read as a base-10 integer of type T.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace c2audit {

// nullopt for an empty string, trailing text, or a value T cannot hold.
template <typename T>
std::optional<T> parse_decimal(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace c2audit
