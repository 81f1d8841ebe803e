// --overflow throttle: storms on every core, four times more storm processes
// than cores and at a higher priority, outrun a consumer that has no
// priority boost (on its own, at ~0.3 µs per record, it kept up with them
// at equal priority). The throttle must
// hold them back so that every call is in the trail and none is lost; and it
// must have had to (else the test proves nothing).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <thread>

#include "harness.h"

namespace c2audit::test {
namespace {

constexpr const char* kCallsPerStorm = "200000";
constexpr const char* kStormNice = "-10";

TEST(OverflowTest, ThrottleKeepsEveryEventOfStormsOnEveryCore) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  auto target = dir.path() / "target";
  std::ofstream(target) << "x";
  DaemonProcess daemon(trail, dir.path() / "control.sock",
                       {"--all", "--syscalls", "fremovexattr", "--priority-boost", "0"});
  ASSERT_TRUE(daemon.ready());
  unsigned storms = 4 * std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<BackgroundProcess>> running;
  for (unsigned i = 0; i < storms; ++i) {
    // At a higher priority than the daemon's consumers, as busy services
    // may be: the consumers then get too little CPU to keep up on their own.
    running.push_back(std::make_unique<BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/nice", "-n", kStormNice, storm_path(), target.native(), kCallsPerStorm}));
  }
  uint64_t performed = 0;
  for (auto& storm : running) {
    auto done = storm->finish();
    ASSERT_EQ(done.exit_code, 0) << done.err;
    performed += nlohmann::json::parse(done.out)["calls"].get<uint64_t>();
  }
  ASSERT_EQ(daemon.stop(), 0);

  // Counted by the report: millions of records as JSON would take minutes.
  auto report = run_process(
      {c2audit_path(), "report", "--trail", trail.native(), "--event", "fremovexattr", "--json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  uint64_t recorded = nlohmann::json::parse(report.out)["records"].get<uint64_t>();
  uint64_t lost = 0;
  for (const auto& rec : search_json(trail, {"--event", "lost"})) lost += rec["count"].get<uint64_t>();
  auto stopped = search_json(trail, {"--event", "daemon"});
  ASSERT_FALSE(stopped.empty());
  std::string summary = stopped.back()["message"];
  EXPECT_NE(summary.find("producers held back"), std::string::npos)
      << "the throttle never engaged, so this run proves nothing: " << summary;
  EXPECT_EQ(lost, 0u) << summary;
  EXPECT_EQ(recorded, performed) << summary;
  std::printf("%u storms, %lu calls: %lu recorded, %lu lost; %s\n", storms,
              static_cast<unsigned long>(performed), static_cast<unsigned long>(recorded),
              static_cast<unsigned long>(lost), summary.c_str());
}

TEST(OverflowTest, BadOverflowFlagsAreUsageErrors) {
  for (auto args : std::vector<std::vector<std::string>>{{"--overflow", "sometimes"},
                                                          {"--overflow-wait", "0"},
                                                          {"--overflow-wait", "soon"}}) {
    args.insert(args.begin(), c2auditd_path());
    auto run = run_process(args);
    EXPECT_EQ(run.exit_code, 2) << args[1] << " " << args[2];
    EXPECT_NE(run.err.find(args[1]), std::string::npos) << run.err;
  }
}

}  // namespace
}  // namespace c2audit::test
