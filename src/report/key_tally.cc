#include "report/key_tally.h"

#include <algorithm>

namespace c2audit {

void Tally::add(int64_t time_ns, bool failed) {
  if (records == 0 || time_ns < first_ns) first_ns = time_ns;
  if (records == 0 || time_ns > last_ns) last_ns = time_ns;
  ++records;
  if (failed) ++failures;
}

KeyTally::KeyTally(size_t max_keys) : max_keys_(std::max<size_t>(max_keys, 2)) {}

void KeyTally::add(std::string_view key, int64_t time_ns, bool failed) {
  std::string capped;
  if (key.size() > kMaxKeyBytes) {  // a 4 KiB path is counted by its first kilobyte
    capped = std::string(key.substr(0, kMaxKeyBytes));
    capped += kCutMark;
    key = capped;
  }
  auto it = tallies_.find(key);
  if (it == tallies_.end()) {
    if (tallies_.size() >= max_keys_) prune();
    it = tallies_.emplace(std::string(key), Tally{}).first;
  }
  it->second.add(time_ns, failed);
}

// Drops the half of the keys with the fewest records.
void KeyTally::prune() {
  std::vector<uint64_t> counts;
  counts.reserve(tallies_.size());
  for (const auto& [key, tally] : tallies_) counts.push_back(tally.records);
  auto middle = counts.begin() + static_cast<std::ptrdiff_t>(counts.size() / 2);
  std::nth_element(counts.begin(), middle, counts.end());
  uint64_t cut = *middle;  // keys at or below this count go
  // A key may be dropped at each prune, with at most `cut` records each time.
  undercount_ += cut;
  for (auto it = tallies_.begin(); it != tallies_.end();) {
    if (it->second.records <= cut) {
      it = tallies_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<TallyRow> KeyTally::rows(size_t limit) const {
  std::vector<TallyRow> out;
  out.reserve(tallies_.size());
  for (const auto& [key, tally] : tallies_) out.push_back({key, tally});
  auto order = [](const TallyRow& a, const TallyRow& b) {
    if (a.tally.records != b.tally.records) return a.tally.records > b.tally.records;
    return a.key < b.key;
  };
  if (limit != 0 && limit < out.size()) {
    auto end = out.begin() + static_cast<std::ptrdiff_t>(limit);
    std::partial_sort(out.begin(), end, out.end(), order);
    out.erase(end, out.end());
  } else {
    std::sort(out.begin(), out.end(), order);
  }
  return out;
}

}  // namespace c2audit
