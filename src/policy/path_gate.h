// PathGate: which objectives a record's paths let through, found by hash
// lookups instead of trying every objective's globs. An objective is gated
// when every one of its path globs is a literal path or a whole subtree
// ("/etc/audit/**"): it can then match only a record whose path or path2 is
// one of those literals or lies under one of those directories. Converted
// auditd rule sets are mostly such watches; gating them keeps the cost of a
// record near that of a one-objective policy however many watches there are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/string_hash.h"
#include "policy/objective.h"

namespace c2audit {

class PathGate {
 public:
  PathGate() = default;
  explicit PathGate(const std::vector<Objective>& objectives);

  // Whether objective `i` is gated (only a record marked for it can match).
  bool gated(uint32_t i) const { return gated_[i]; }

  // Sets in `passed` (one bit per objective) the gated objectives whose
  // literals or subtrees hold `path`. Every '/' of the path ends a directory
  // it lies under, so a path costs one lookup per component.
  void mark(std::string_view path, std::vector<uint64_t>& passed) const;

 private:
  using Index = StringMap<std::vector<uint32_t>>;
  static void mark_all(const Index& index, std::string_view key, std::vector<uint64_t>& passed);

  std::vector<bool> gated_;
  Index by_path_;     // literal path -> objectives naming it
  Index by_subtree_;  // "/dir/" -> objectives watching everything under it
};

}  // namespace c2audit
