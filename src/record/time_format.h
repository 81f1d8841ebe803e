// Time as c2audit shows and reads it: records carry nanoseconds since the Unix
// epoch (UTC); people see and type RFC 3339. All calendar times here are UTC,
// so what `search` prints can be pasted back into `--since`/`--until`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace c2audit {

// How many fraction digits format_rfc3339 prints.
enum class TimePrecision : uint8_t {
  nanos,   // "2026-11-24T18:32:04.123456789Z" (the JSON form)
  micros,  // "2026-11-24T18:32:04.123456Z" (RFC 5424's syslog timestamp: at most 6)
  millis,  // "2026-11-24T18:32:04.123Z" (the compact text form)
};

// Formats `ns` (since the epoch, may be negative) as RFC 3339 UTC. Always
// prints the fraction, so the width is fixed for years 0000..9999.
std::string format_rfc3339(int64_t ns, TimePrecision precision = TimePrecision::nanos);

// Parses a time argument of a filter into ns since the epoch. Accepted forms:
//   RFC 3339 with or without a fraction (up to 9 digits), with Z or +hh:mm/-hh:mm
//     ("2026-11-24T18:32:04Z", "2026-11-24T18:32:04.5+01:00");
//   a date, meaning its midnight UTC ("2026-11-24");
//   a relative time before `now_ns`: "-30s", "-10m", "-2h", "-1d", "-1w";
//   "now", "today" (midnight UTC of now) and "yesterday".
// Fails with a message naming the text and listing the accepted forms.
Result<int64_t> parse_time_arg(std::string_view text, int64_t now_ns);

// Same, relative to the current wall-clock time.
Result<int64_t> parse_time_arg(std::string_view text);

}  // namespace c2audit
