#include "report/time_series.h"

#include <array>

namespace c2audit {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// Each divides the next, so a wider interval is a sum of whole narrower ones.
constexpr std::array<int64_t, 17> kWidths = {
    kSecond,      2 * kSecond,  10 * kSecond, 30 * kSecond, kMinute,     2 * kMinute,
    10 * kMinute, 30 * kMinute, kHour,        2 * kHour,    6 * kHour,   12 * kHour,
    kDay,         7 * kDay,     28 * kDay,    364 * kDay,   3640 * kDay,
};

// Floor division: intervals before the epoch too start at a multiple of the width.
int64_t floor_div(int64_t value, int64_t divisor) {
  int64_t q = value / divisor;
  return (value % divisor != 0 && value < 0) ? q - 1 : q;
}

// An interval's start, index * width, held within int64 for the intervals
// at the very ends of time.
int64_t start_of(int64_t index, int64_t width) {
  int64_t start = 0;
  if (__builtin_mul_overflow(index, width, &start)) return index < 0 ? INT64_MIN : INT64_MAX;
  return start;
}

void merge_into(SeriesBucket& into, const SeriesBucket& from) {
  for (const auto& [group, count] : from.records_by_group) into.records_by_group[group] += count;
  into.failures += from.failures;
  into.lost += from.lost;
}

}  // namespace

uint64_t SeriesBucket::records() const {
  uint64_t sum = 0;
  for (const auto& [group, count] : records_by_group) sum += count;
  return sum;
}

std::string_view class_group(std::string_view event_class) {
  return event_class.substr(0, event_class.find('.'));
}

int64_t TimeSeries::width_ns() const { return kWidths[width_step_]; }

int64_t TimeSeries::end_of(int64_t start_ns) const {
  int64_t end = 0;
  if (__builtin_add_overflow(start_ns, width_ns() - 1, &end)) return INT64_MAX;
  return end;
}

SeriesBucket& TimeSeries::bucket_at(int64_t time_ns) {
  int64_t index = floor_div(time_ns, width_ns());
  if (!buckets_.empty()) {
    widen_until_fits(std::min(index, buckets_.begin()->first),
                     std::max(index, buckets_.rbegin()->first));
    index = floor_div(time_ns, width_ns());
  }
  SeriesBucket& bucket = buckets_[index];
  bucket.start_ns = start_of(index, width_ns());
  return bucket;
}

void TimeSeries::add(int64_t time_ns, std::string_view group, bool failed, uint64_t lost) {
  SeriesBucket& bucket = bucket_at(time_ns);
  auto it = bucket.records_by_group.find(group);
  if (it == bucket.records_by_group.end()) it = bucket.records_by_group.emplace(group, 0).first;
  ++it->second;
  if (failed) ++bucket.failures;
  bucket.lost += lost;
}

void TimeSeries::add_lost(int64_t time_ns, uint64_t lost) { bucket_at(time_ns).lost += lost; }

void TimeSeries::widen_until_fits(int64_t index_low, int64_t index_high) {
  size_t step = width_step_;
  auto span = [&](size_t s) {
    int64_t ratio = kWidths[s] / kWidths[width_step_];
    return floor_div(index_high, ratio) - floor_div(index_low, ratio) + 1;
  };
  while (step + 1 < kWidths.size() && span(step) > static_cast<int64_t>(kMaxBuckets)) ++step;
  if (step == width_step_) return;
  int64_t ratio = kWidths[step] / kWidths[width_step_];
  std::map<int64_t, SeriesBucket> wider;
  for (const auto& [index, bucket] : buckets_) {
    int64_t wide_index = floor_div(index, ratio);
    SeriesBucket& into = wider[wide_index];
    into.start_ns = start_of(wide_index, kWidths[step]);
    merge_into(into, bucket);
  }
  buckets_ = std::move(wider);
  width_step_ = step;
}

std::vector<SeriesBucket> TimeSeries::buckets() const {
  std::vector<SeriesBucket> out;
  if (buckets_.empty()) return out;
  for (int64_t index = buckets_.begin()->first; index <= buckets_.rbegin()->first; ++index) {
    auto it = buckets_.find(index);
    if (it != buckets_.end()) {
      out.push_back(it->second);
    } else {
      SeriesBucket empty;
      empty.start_ns = start_of(index, width_ns());
      out.push_back(std::move(empty));
    }
  }
  return out;
}

std::vector<std::string> TimeSeries::groups() const {
  std::map<std::string, bool> seen;
  for (const auto& [index, bucket] : buckets_) {
    for (const auto& [group, count] : bucket.records_by_group) seen[group] = true;
  }
  std::vector<std::string> out;
  for (const auto& [group, unused] : seen) out.push_back(group);
  return out;
}

}  // namespace c2audit
