#include "record/time_format.h"

#include <chrono>
#include <cstdio>

#include "common/clock.h"

namespace c2audit {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerMinute = 60;
constexpr int64_t kSecondsPerHour = 60 * kSecondsPerMinute;
constexpr int64_t kSecondsPerDay = 24 * kSecondsPerHour;
constexpr int64_t kSecondsPerWeek = 7 * kSecondsPerDay;
constexpr int kNsDigits = 9;
constexpr int kMsDigits = 3;
constexpr int kUsDigits = 6;
constexpr int64_t kNsPerMs = 1'000'000;
constexpr int kMaxRelativeDigits = 12;  // plenty, and cannot overflow int64 before scaling
constexpr int kHoursPerDay = 24;
constexpr int kMinutesPerHour = 60;
constexpr int kSecondsPerMinuteInt = 60;

constexpr std::string_view kAcceptedForms =
    "expected RFC 3339 (2026-11-24T18:32:04Z, 2026-11-24T18:32:04.5+01:00), a date "
    "(2026-11-24), a relative time (-30s, -10m, -2h, -1d, -1w), now, today or yesterday";

// Floor division, so that times before the epoch format correctly.
int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// A read position in the text being parsed; every method fails without moving.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }

  bool literal(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  bool one_of(std::string_view chars, char& got) {
    if (at_end() || chars.find(text_[pos_]) == std::string_view::npos) return false;
    got = text_[pos_++];
    return true;
  }

  // Exactly `count` decimal digits.
  bool digits(int count, int64_t& value) {
    size_t start = pos_;
    int64_t v = 0;
    for (int i = 0; i < count; ++i) {
      if (at_end() || !is_digit(text_[pos_])) {
        pos_ = start;
        return false;
      }
      v = v * 10 + (text_[pos_++] - '0');
    }
    value = v;
    return true;
  }

  // Between 1 and `max_count` digits; `count` says how many were read.
  bool some_digits(int max_count, int64_t& value, int& count) {
    int64_t v = 0;
    int n = 0;
    while (!at_end() && is_digit(text_[pos_])) {
      if (n == max_count) return false;
      v = v * 10 + (text_[pos_++] - '0');
      ++n;
    }
    value = v;
    count = n;
    return n > 0;
  }

 private:
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  std::string_view text_;
  size_t pos_ = 0;
};

tl::unexpected<Error> bad_time(std::string_view text, std::string_view why = {}) {
  std::string msg = "bad time \"" + std::string(text) + "\": ";
  if (!why.empty()) msg += std::string(why) + "; ";
  return fail(msg + std::string(kAcceptedForms));
}

// Seconds since the epoch of a UTC calendar day, if it is a real date.
Result<int64_t> day_seconds(int64_t year, int64_t month, int64_t day) {
  std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(year)},
                                  std::chrono::month{static_cast<unsigned>(month)},
                                  std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return fail("no such date");
  return static_cast<int64_t>(sys_days{ymd}.time_since_epoch().count()) * kSecondsPerDay;
}

// seconds * 1e9 + nanos, failing outside the int64 range (years 1677..2262).
Result<int64_t> to_ns(int64_t seconds, int64_t nanos) {
  int64_t ns = 0;
  if (__builtin_mul_overflow(seconds, kNsPerSecond, &ns) ||
      __builtin_add_overflow(ns, nanos, &ns)) {
    return fail("out of range (years 1678 to 2261)");
  }
  return ns;
}

// The zone suffix of RFC 3339: Z, or +hh:mm / -hh:mm; the result is the
// offset in seconds east of UTC.
Result<int64_t> parse_zone(Cursor& in) {
  char sign = 0;
  if (in.one_of("Zz", sign)) return 0;
  int64_t hh = 0, mm = 0;
  if (!in.one_of("+-", sign) || !in.digits(2, hh) || !in.literal(':') || !in.digits(2, mm)) {
    return fail("needs a zone: Z or an offset like +01:00");
  }
  if (hh >= kHoursPerDay || mm >= kMinutesPerHour) return fail("bad zone offset");
  int64_t offset = hh * kSecondsPerHour + mm * kSecondsPerMinute;
  return sign == '-' ? -offset : offset;
}

// Optional ".fraction" (1..9 digits), as nanoseconds.
Result<int64_t> parse_fraction(Cursor& in) {
  if (!in.literal('.')) return 0;
  int64_t value = 0;
  int count = 0;
  if (!in.some_digits(kNsDigits, value, count)) return fail("fraction needs 1 to 9 digits");
  for (int i = count; i < kNsDigits; ++i) value *= 10;
  return value;
}

// Seconds into the day of "hh:mm:ss".
Result<int64_t> parse_clock(Cursor& in) {
  int64_t hh = 0, mm = 0, ss = 0;
  if (!in.digits(2, hh) || !in.literal(':') || !in.digits(2, mm) || !in.literal(':') ||
      !in.digits(2, ss)) {
    return fail("time of day must be hh:mm:ss");
  }
  if (hh >= kHoursPerDay || mm >= kMinutesPerHour || ss >= kSecondsPerMinuteInt) {
    return fail("no such time of day");
  }
  return hh * kSecondsPerHour + mm * kSecondsPerMinute + ss;
}

// A date ("2026-11-24") or a full RFC 3339 timestamp.
Result<int64_t> parse_absolute(std::string_view text) {
  Cursor in(text);
  int64_t year = 0, month = 0, day = 0;
  if (!in.digits(4, year) || !in.literal('-') || !in.digits(2, month) || !in.literal('-') ||
      !in.digits(2, day)) {
    return bad_time(text);
  }
  auto midnight = day_seconds(year, month, day);
  if (!midnight) return bad_time(text, midnight.error().message);
  char sep = 0;
  if (in.at_end()) {
    auto ns = to_ns(*midnight, 0);
    return ns ? ns : bad_time(text, ns.error().message);
  }
  if (!in.one_of("Tt ", sep)) return bad_time(text, "date and time must be separated by T");
  auto clock = parse_clock(in);
  if (!clock) return bad_time(text, clock.error().message);
  auto fraction = parse_fraction(in);
  if (!fraction) return bad_time(text, fraction.error().message);
  auto zone = parse_zone(in);
  if (!zone) return bad_time(text, zone.error().message);
  if (!in.at_end()) return bad_time(text, "unexpected text after the zone");
  auto ns = to_ns(*midnight + *clock - *zone, *fraction);
  return ns ? ns : bad_time(text, ns.error().message);
}

// Seconds per unit letter of a relative time, or 0 for an unknown unit.
int64_t unit_seconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return kSecondsPerMinute;
    case 'h':
      return kSecondsPerHour;
    case 'd':
      return kSecondsPerDay;
    case 'w':
      return kSecondsPerWeek;
    default:
      return 0;
  }
}

// "-<number><unit>" before `now_ns`.
Result<int64_t> parse_relative(std::string_view text, int64_t now_ns) {
  Cursor in(text);
  int64_t amount = 0;
  int count = 0;
  char unit = 0;
  if (!in.literal('-') || !in.some_digits(kMaxRelativeDigits, amount, count) ||
      !in.one_of("smhdw", unit) || !in.at_end()) {
    return bad_time(text);
  }
  int64_t back_ns = 0;
  auto back = to_ns(amount * unit_seconds(unit), 0);
  if (!back || __builtin_sub_overflow(now_ns, *back, &back_ns)) {
    return bad_time(text, "too far back");
  }
  return back_ns;
}

int64_t midnight_of(int64_t ns) {
  return floor_div(ns, kSecondsPerDay * kNsPerSecond) * kSecondsPerDay * kNsPerSecond;
}

}  // namespace

std::string format_rfc3339(int64_t ns, TimePrecision precision) {
  int64_t seconds = floor_div(ns, kNsPerSecond);
  // Not ns - seconds * 10^9: for a time near INT64_MIN that product overflows.
  int64_t nanos = ns % kNsPerSecond;
  if (nanos < 0) nanos += kNsPerSecond;
  int64_t day_number = floor_div(seconds, kSecondsPerDay);
  int64_t in_day = seconds - day_number * kSecondsPerDay;
  std::chrono::year_month_day ymd{sys_days{days{day_number}}};
  int64_t fraction = nanos;
  int digits = kNsDigits;
  if (precision == TimePrecision::millis) {
    fraction = nanos / kNsPerMs;
    digits = kMsDigits;
  } else if (precision == TimePrecision::micros) {
    fraction = nanos / (kNsPerMs / 1000);
    digits = kUsDigits;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%0*lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(in_day / kSecondsPerHour),
                static_cast<int>(in_day % kSecondsPerHour / kSecondsPerMinute),
                static_cast<int>(in_day % kSecondsPerMinute), digits,
                static_cast<long long>(fraction));
  return buf;
}

Result<int64_t> parse_time_arg(std::string_view text, int64_t now_ns) {
  if (text == "now") return now_ns;
  if (text == "today") return midnight_of(now_ns);
  if (text == "yesterday") return midnight_of(now_ns) - kSecondsPerDay * kNsPerSecond;
  if (text.empty()) return bad_time(text, "empty");
  if (text.front() == '-') return parse_relative(text, now_ns);
  return parse_absolute(text);
}

Result<int64_t> parse_time_arg(std::string_view text) {
  return parse_time_arg(text, realtime_ns());
}

}  // namespace c2audit
