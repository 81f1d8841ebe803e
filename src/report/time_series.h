// TimeSeries: records per interval of time, by class group ("file",
// "process", "auth", ... the class up to its first dot), with the failures
// and the events lost in each interval: what a report's charts draw.
//
// Fed in one pass without knowing the period beforehand, it starts with
// one-second intervals and widens them whenever the records span more than
// kMaxBuckets of them. Each width divides the next and intervals start at
// multiples of their width since the epoch, so widening only adds whole
// intervals together: the counts stay exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace c2audit {

struct SeriesBucket {
  int64_t start_ns = 0;
  std::map<std::string, uint64_t, std::less<>> records_by_group;
  uint64_t failures = 0;
  uint64_t lost = 0;  // events lost (the counts of `lost` records)

  uint64_t records() const;
};

class TimeSeries {
 public:
  static constexpr size_t kMaxBuckets = 120;

  void add(int64_t time_ns, std::string_view group, bool failed, uint64_t lost);
  // Events lost at a time, without a record counted (a gap listed in a
  // report whose filters leave its record out).
  void add_lost(int64_t time_ns, uint64_t lost);

  int64_t width_ns() const;
  // Where the interval starting at `start_ns` ends (its last ns), within int64.
  int64_t end_of(int64_t start_ns) const;
  // Every interval from the first record's to the last's, empty ones
  // included, in time order.
  std::vector<SeriesBucket> buckets() const;
  // The groups seen, by name.
  std::vector<std::string> groups() const;

 private:
  SeriesBucket& bucket_at(int64_t time_ns);
  void widen_until_fits(int64_t index_low, int64_t index_high);

  size_t width_step_ = 0;                    // index into the widths
  std::map<int64_t, SeriesBucket> buckets_;  // by start / width
};

// The class group of a class: "file.read" -> "file".
std::string_view class_group(std::string_view event_class);

}  // namespace c2audit
