#include "record/time_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace c2audit {
namespace {

constexpr int64_t kSec = 1'000'000'000;
// 2026-11-24T18:32:04Z, checked with `date -ud @1795545124`.
constexpr int64_t kSample = 1795545124 * kSec;
constexpr int64_t kSampleMidnight = (1795545124 - (18 * 3600 + 32 * 60 + 4)) * kSec;

TEST(FormatRfc3339, PrintsNanosecondsInUtc) {
  EXPECT_EQ(format_rfc3339(kSample + 123456789), "2026-11-24T18:32:04.123456789Z");
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_rfc3339(kSample + 5), "2026-11-24T18:32:04.000000005Z");
}

TEST(FormatRfc3339, MillisecondsTruncate) {
  EXPECT_EQ(format_rfc3339(kSample + 123999999, TimePrecision::millis), "2026-11-24T18:32:04.123Z");
}

TEST(FormatRfc3339, BeforeTheEpoch) {
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999999999Z");
}

// A crafted record may carry any time; the ends of the range must not
// overflow (UBSan found ns - seconds * 10^9 did at INT64_MIN).
TEST(FormatRfc3339, EndsOfTheRange) {
  EXPECT_EQ(format_rfc3339(std::numeric_limits<int64_t>::min()), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(format_rfc3339(std::numeric_limits<int64_t>::max()), "2262-04-11T23:47:16.854775807Z");
}

TEST(ParseTimeArg, FormatRoundTrips) {
  for (int64_t ns : {kSample + 123456789, int64_t{0}, int64_t{-1}, kSample}) {
    auto parsed = parse_time_arg(format_rfc3339(ns), 0);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(*parsed, ns);
  }
}

TEST(ParseTimeArg, Rfc3339Forms) {
  EXPECT_EQ(parse_time_arg("2026-11-24T18:32:04Z", 0).value(), kSample);
  EXPECT_EQ(parse_time_arg("2026-11-24t18:32:04z", 0).value(), kSample);
  EXPECT_EQ(parse_time_arg("2026-11-24 18:32:04Z", 0).value(), kSample);
  EXPECT_EQ(parse_time_arg("2026-11-24T18:32:04.5Z", 0).value(), kSample + kSec / 2);
  EXPECT_EQ(parse_time_arg("2026-11-24T19:32:04+01:00", 0).value(), kSample);
  EXPECT_EQ(parse_time_arg("2026-11-24T13:02:04.000000001-05:30", 0).value(), kSample + 1);
}

TEST(ParseTimeArg, DateIsMidnightUtc) {
  EXPECT_EQ(parse_time_arg("2026-11-24", 0).value(), kSampleMidnight);
}

TEST(ParseTimeArg, RelativeAndNamed) {
  const int64_t now = kSample;
  EXPECT_EQ(parse_time_arg("now", now).value(), now);
  EXPECT_EQ(parse_time_arg("-30s", now).value(), now - 30 * kSec);
  EXPECT_EQ(parse_time_arg("-10m", now).value(), now - 600 * kSec);
  EXPECT_EQ(parse_time_arg("-2h", now).value(), now - 7200 * kSec);
  EXPECT_EQ(parse_time_arg("-1d", now).value(), now - 86400 * kSec);
  EXPECT_EQ(parse_time_arg("-1w", now).value(), now - 7 * 86400 * kSec);
  EXPECT_EQ(parse_time_arg("today", now).value(), kSampleMidnight);
  EXPECT_EQ(parse_time_arg("yesterday", now).value(), kSampleMidnight - 86400 * kSec);
}

TEST(ParseTimeArg, ErrorsNameTheText) {
  for (const char* bad :
       {"", "yesterday-ish", "2026-13-01", "2026-02-30", "2026-11-24T18:32:04",
        "2026-11-24T25:00:00Z", "2026-11-24T18:32:04.1234567890Z", "2026-11-24T18:32Z",
        "2026-11-24T18:32:04Zjunk", "2026-11-24T18:32:04+1:00", "-10", "-10y", "-m", "10m",
        "9999-01-01", "-999999999999w", "26-11-24"}) {
    auto r = parse_time_arg(bad, kSample);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find(std::string("\"") + bad + "\""), std::string::npos)
        << r.error().message;
  }
}

TEST(ParseTimeArg, ErrorsSayWhy) {
  EXPECT_NE(parse_time_arg("2026-11-24T18:32:04", 0).error().message.find("zone"),
            std::string::npos);
  EXPECT_NE(parse_time_arg("2026-02-30", 0).error().message.find("no such date"),
            std::string::npos);
}

}  // namespace
}  // namespace c2audit
