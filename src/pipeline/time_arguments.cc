#include "pipeline/time_arguments.h"

#include <fmt/format.h>
#include <sys/time.h>
#include <sys/timex.h>

#include <algorithm>
#include <cstring>
#include <optional>

namespace c2audit {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMicro = 1'000;

// seconds + nanoseconds as one count; nothing when it does not fit.
std::optional<int64_t> to_nanos(int64_t seconds, int64_t nanos) {
  int64_t whole = 0, sum = 0;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &whole)) return std::nullopt;
  if (__builtin_add_overflow(whole, nanos, &sum)) return std::nullopt;
  return sum;
}

template <typename Struct>
Struct copy_of(std::string_view raw) {
  Struct value{};
  std::memcpy(&value, raw.data(), std::min(raw.size(), sizeof value));
  return value;
}

// The values an adjtimex call sets, each named as kernel audit's
// TIME_ADJNTPVAL names it, after the modes asking for them. The struct was
// read at the call's exit: after a success the kernel has written its state
// back into it (what kernel audit logs as new=), its time field the clock's
// time, so an offset stepped by ADJ_SETOFFSET is known only for a refused call.
std::string describe_adjustment(const timex& tx, bool succeeded) {
  std::string out = fmt::format("modes={:#x}", tx.modes);
  if (tx.modes & ADJ_OFFSET) out += fmt::format(" offset={}", tx.offset);
  if (tx.modes & ADJ_FREQUENCY) out += fmt::format(" freq={}", tx.freq);
  if (tx.modes & ADJ_MAXERROR) out += fmt::format(" maxerror={}", tx.maxerror);
  if (tx.modes & ADJ_ESTERROR) out += fmt::format(" esterror={}", tx.esterror);
  if (tx.modes & ADJ_STATUS) out += fmt::format(" status={:#x}", tx.status);
  if (tx.modes & ADJ_TIMECONST) out += fmt::format(" constant={}", tx.constant);
  if (tx.modes & ADJ_TAI) out += fmt::format(" tai={}", tx.constant);
  if (tx.modes & ADJ_TICK) out += fmt::format(" tick={}", tx.tick);
  if ((tx.modes & ADJ_SETOFFSET) && succeeded) {
    out += " setoffset";
  } else if (tx.modes & ADJ_SETOFFSET) {
    // time.tv_usec holds nanoseconds under ADJ_NANO.
    int64_t fraction = tx.time.tv_usec;
    if (!(tx.modes & ADJ_NANO) && __builtin_mul_overflow(fraction, kNanosPerMicro, &fraction)) {
      return out;
    }
    if (auto nanos = to_nanos(tx.time.tv_sec, fraction)) {
      out += fmt::format(" setoffset_ns={}", *nanos);
    }
  }
  return out;
}

}  // namespace

void decode_time_argument(TimeArg what, std::string_view raw, AuditRecord& rec) {
  switch (what) {
    case TimeArg::timespec: {
      auto ts = copy_of<timespec>(raw);
      auto nanos = to_nanos(ts.tv_sec, ts.tv_nsec);
      if (raw.size() >= sizeof ts && nanos) rec.new_time = *nanos;
      return;
    }
    case TimeArg::timeval: {
      auto tv = copy_of<timeval>(raw);
      int64_t micros_as_nanos = 0;
      if (raw.size() < sizeof tv ||
          __builtin_mul_overflow(tv.tv_usec, kNanosPerMicro, &micros_as_nanos)) {
        return;
      }
      if (auto nanos = to_nanos(tv.tv_sec, micros_as_nanos)) rec.new_time = *nanos;
      return;
    }
    case TimeArg::timex:
      if (raw.size() >= offsetof(timex, tick) + sizeof(timex::tick)) {
        rec.adjustment = describe_adjustment(copy_of<timex>(raw), rec.success);
      }
      return;
    case TimeArg::none:
      return;
  }
}

}  // namespace c2audit
