// A time call's struct, as the sensor read it from the caller: any bytes.
#include "pipeline/time_arguments.h"

#include <gtest/gtest.h>
#include <sys/time.h>
#include <sys/timex.h>

#include <climits>
#include <string>

namespace c2audit {
namespace {

template <typename Struct>
std::string bytes_of(const Struct& value) {
  return std::string(reinterpret_cast<const char*>(&value), sizeof value);
}

TEST(TimeArguments, ANewTimeInNanoseconds) {
  AuditRecord rec;
  decode_time_argument(TimeArg::timespec, bytes_of(timespec{10, 5}), rec);
  EXPECT_EQ(rec.new_time, 10'000'000'005);
  rec = {};
  decode_time_argument(TimeArg::timeval, bytes_of(timeval{10, 5}), rec);
  EXPECT_EQ(rec.new_time, 10'000'005'000);
}

TEST(TimeArguments, WhatDoesNotFitIsLeftOut) {
  AuditRecord rec;
  decode_time_argument(TimeArg::timespec, bytes_of(timespec{LONG_MAX, 0}), rec);
  EXPECT_EQ(rec.new_time, kNoTime);
  decode_time_argument(TimeArg::timeval, bytes_of(timeval{0, LONG_MAX}), rec);
  EXPECT_EQ(rec.new_time, kNoTime);
  decode_time_argument(TimeArg::timespec, "short", rec);
  EXPECT_EQ(rec.new_time, kNoTime);
  decode_time_argument(TimeArg::timex, "short", rec);
  EXPECT_TRUE(rec.adjustment.empty());
  timex tx{};
  tx.modes = ADJ_SETOFFSET;
  tx.time.tv_sec = LONG_MAX;
  rec.success = false;  // refused: the struct holds what was asked
  decode_time_argument(TimeArg::timex, bytes_of(tx), rec);
  EXPECT_EQ(rec.adjustment, "modes=0x100");
}

TEST(TimeArguments, AnAdjustmentNamesWhatItsModesSet) {
  timex tx{};
  tx.modes = ADJ_OFFSET | ADJ_FREQUENCY | ADJ_STATUS | ADJ_TICK;
  tx.offset = 500;
  tx.freq = -65536;
  tx.status = STA_PLL;
  tx.tick = 10000;
  tx.maxerror = 77;  // not asked for: not shown
  AuditRecord rec;
  decode_time_argument(TimeArg::timex, bytes_of(tx), rec);
  EXPECT_EQ(rec.adjustment, "modes=0x4013 offset=500 freq=-65536 status=0x1 tick=10000");
  tx = {};
  decode_time_argument(TimeArg::timex, bytes_of(tx), rec);
  EXPECT_EQ(rec.adjustment, "modes=0x0") << "a read: nothing set";
}

// After a success the kernel has written the clock's time over the offset.
TEST(TimeArguments, AStepByASuccessfulCallHasNoValue) {
  timex tx{};
  tx.modes = ADJ_SETOFFSET | ADJ_NANO;
  tx.time.tv_sec = 1;
  AuditRecord rec;
  rec.success = false;
  decode_time_argument(TimeArg::timex, bytes_of(tx), rec);
  EXPECT_EQ(rec.adjustment, "modes=0x2100 setoffset_ns=1000000000");
  rec.success = true;
  decode_time_argument(TimeArg::timex, bytes_of(tx), rec);
  EXPECT_EQ(rec.adjustment, "modes=0x2100 setoffset");
}

}  // namespace
}  // namespace c2audit
