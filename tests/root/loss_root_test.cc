// Loss accounting, the central promise: when load is pushed past what a tiny
// ring buffer can hold, every event is either in the trail or counted in a
// `lost` record — the lost counts make up exactly performed - recorded
// (with --overflow drop: the throttle, tested in overflow_root_test.cc,
// would hold the storm back instead). The daemon is stopped (SIGSTOP) for
// the storm: its consumers now keep up with one storming thread, and a
// test that only sometimes overflows the ring proves nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "harness.h"

namespace c2audit::test {
namespace {

constexpr const char* kStormCalls = "300000";

TEST(LossTest, LostRecordsAccountForExactlyWhatTheTrailMisses) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  auto target = dir.path() / "target";
  std::ofstream(target) << "x";
  // Only the storm's syscall competes for a 1 MiB ring: nothing else can be
  // lost, so the accounting can be exact.
  DaemonProcess daemon(trail, dir.path() / "control.sock",
                       {"--all", "--syscalls", "fremovexattr", "--ring-size", "1", "--overflow", "drop"});
  ASSERT_TRUE(daemon.ready());
  ASSERT_EQ(::kill(daemon.pid(), SIGSTOP), 0);
  auto storm = run_process({storm_path(), target.native(), kStormCalls});
  ASSERT_EQ(::kill(daemon.pid(), SIGCONT), 0);
  ASSERT_EQ(storm.exit_code, 0) << storm.err;
  ASSERT_EQ(daemon.stop(), 0);

  auto done = nlohmann::json::parse(storm.out);
  uint64_t performed = done["calls"];
  uint64_t recorded =
      search_json(trail, {"--pid", std::to_string(done["pid"].get<int>()), "--event",
                          "fremovexattr"})
          .size();
  uint64_t lost = 0;
  for (const auto& rec : search_json(trail, {"--event", "lost"})) {
    lost += rec["count"].get<uint64_t>();
    EXPECT_TRUE(rec.contains("cpu"));
  }
  EXPECT_GT(lost, 0u) << "the storm did not overflow the ring: the test proves nothing";
  EXPECT_GT(recorded, 0u);
  EXPECT_EQ(recorded + lost, performed);
  std::printf("storm of %lu: %lu recorded, %lu lost\n", static_cast<unsigned long>(performed),
              static_cast<unsigned long>(recorded), static_cast<unsigned long>(lost));
}

}  // namespace
}  // namespace c2audit::test
