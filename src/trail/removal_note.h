// The `daemon` record written before a closed segment is removed (disk_full
// rotate-oldest). Its message is for people and for `verify`: the removed
// segment's seq range and seal MAC, so that the oldest remaining segment's
// link to its missing predecessor is explained by an authenticated record
// rather than by a gap nobody can account for.
//
//   removed segment-00000000000000000001.c2a seq 1-5000 seal <64 hex>; <reason>
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "trail/hash_chain.h"

namespace c2audit {

struct RemovalNote {
  std::string file;
  uint64_t first_seq = 0, last_seq = 0;
  Digest seal{};
};

std::string format_removal(const RemovalNote& note, const std::string& reason);

// nullopt when `message` is not a removal note.
std::optional<RemovalNote> parse_removal(const std::string& message);

}  // namespace c2audit
