// KeyTally: how many records each key (a user, a program, a path, a class)
// has, how many of them failed, and when it was first and last seen.
//
// A report streams the trail once, so memory grows with the number of
// distinct keys, not of records. A table is held to `max_keys`: when it
// fills, the keys with the fewest records (half of them, or more on ties)
// are dropped. A key dropped and seen again starts from zero, and may be
// dropped again, so past a prune every count may be low by at most
// undercount(), the sum of every prune's cut; a report says so. A key is
// counted by its first kMaxKeyBytes bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/string_hash.h"

namespace c2audit {

struct Tally {
  uint64_t records = 0;
  uint64_t failures = 0;
  int64_t first_ns = 0;  // time of the earliest record counted
  int64_t last_ns = 0;   // of the latest

  void add(int64_t time_ns, bool failed);
};

struct TallyRow {
  std::string key;
  Tally tally;
};

class KeyTally {
 public:
  static constexpr size_t kDefaultMaxKeys = 100'000;
  static constexpr size_t kMaxKeyBytes = 1024;
  static constexpr std::string_view kCutMark = "[...]";

  explicit KeyTally(size_t max_keys = kDefaultMaxKeys);

  void add(std::string_view key, int64_t time_ns, bool failed);

  // The rows with the most records first (ties by key); at most `limit`,
  // every one when limit is 0.
  std::vector<TallyRow> rows(size_t limit = 0) const;

  // Keys held: the distinct keys seen while undercount() is 0, else fewer.
  size_t keys() const { return tallies_.size(); }
  // 0 while every count is exact; else how low any count may be.
  uint64_t undercount() const { return undercount_; }

 private:
  void prune();

  size_t max_keys_;
  uint64_t undercount_ = 0;
  StringMap<Tally> tallies_;
};

}  // namespace c2audit
