#include "trail/removal_note.h"

#include <fmt/format.h>

#include <sstream>

namespace c2audit {

namespace {
constexpr const char* kRemovedWord = "removed";
}

std::string format_removal(const RemovalNote& note, const std::string& reason) {
  return fmt::format("{} {} seq {}-{} seal {}; {}", kRemovedWord, note.file, note.first_seq,
                     note.last_seq, digest_hex(note.seal), reason);
}

std::optional<RemovalNote> parse_removal(const std::string& message) {
  std::istringstream in(message);
  std::string word, file, seq_word, range, seal_word, seal_hex;
  if (!(in >> word >> file >> seq_word >> range >> seal_word >> seal_hex)) return std::nullopt;
  if (word != kRemovedWord || seq_word != "seq" || seal_word != "seal") return std::nullopt;
  if (!seal_hex.empty() && seal_hex.back() == ';') seal_hex.pop_back();
  RemovalNote note;
  note.file = file;
  if (std::sscanf(range.c_str(), "%lu-%lu", &note.first_seq, &note.last_seq) != 2) {
    return std::nullopt;
  }
  if (!parse_digest_hex(seal_hex, note.seal)) return std::nullopt;
  return note;
}

}  // namespace c2audit
