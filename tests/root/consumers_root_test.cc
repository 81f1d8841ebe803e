// Parallel consumers: a ring buffer, a consumer thread and a trail stream
// per consumer, CPU c writing into ring c % N. Storms pinned to every CPU
// must each land whole in their CPU's stream, nothing lost, and the trail
// must verify clean and read back in time order with every seq used once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "control/control_server.h"
#include "harness.h"

namespace c2audit::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCallsPerStorm = "50000";

ProcessResult verify(const fs::path& trail) {
  return run_process(
      {c2audit_path(), "verify", "--trail", trail.native(), "--key-file", trail.native() + ".key",
       "--seal-log", trail.native() + ".seals"});
}

// The storm's records that stream `index` holds, read from its directory alone.
size_t storm_records_in_stream(const fs::path& trail, unsigned index, int pid) {
  fs::path dir = index == 0 ? trail : trail / ("stream-" + std::to_string(index));
  std::vector<nlohmann::json> found;
  for (const auto& rec : search_json(dir, {"--event", "fremovexattr"})) {
    if (rec["pid"] == pid) found.push_back(rec);
  }
  return found.size();
}

TEST(ConsumersTest, EachCpuFillsTheStreamOfItsRingAndNothingIsLost) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  auto target = dir.path() / "target";
  std::ofstream(target) << "x";
  unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  unsigned consumers = std::max(2u, cpus);
  DaemonProcess daemon(
      trail, dir.path() / "control.sock",
      {"--all", "--syscalls", "fremovexattr", "--consumers", std::to_string(consumers)});
  ASSERT_TRUE(daemon.ready());
  auto status = control_request(dir.path() / "control.sock", "status");
  ASSERT_TRUE(status);
  EXPECT_EQ(nlohmann::json::parse(*status)["consumers"], consumers);

  std::vector<std::unique_ptr<BackgroundProcess>> storms;
  for (unsigned cpu = 0; cpu < cpus; ++cpu) {
    storms.push_back(std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"/usr/bin/taskset", "-c", std::to_string(cpu), storm_path(),
                                 target.native(), kCallsPerStorm}));
  }
  std::vector<int> pids;
  uint64_t performed = 0;
  for (auto& storm : storms) {
    auto done = storm->finish();
    ASSERT_EQ(done.exit_code, 0) << done.err;
    auto report = nlohmann::json::parse(done.out);
    pids.push_back(report["pid"]);
    performed += report["calls"].get<uint64_t>();
  }
  ASSERT_EQ(daemon.stop(), 0);

  auto records = search_json(trail);
  expect_time_order_and_unique_seqs(records);
  size_t recorded = 0, lost = 0;
  for (const auto& rec : records) {
    if (rec["event"] == "fremovexattr") ++recorded;
    if (rec["event"] == "lost") lost += rec["count"].get<size_t>();
  }
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(recorded, performed);
  for (unsigned cpu = 0; cpu < cpus; ++cpu) {
    EXPECT_EQ(storm_records_in_stream(trail, cpu % consumers, pids[cpu]),
              std::stoul(kCallsPerStorm))
        << "the storm pinned to CPU " << cpu << " is not whole in stream " << cpu % consumers;
  }
  auto verified = verify(trail);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("clean:"), std::string::npos) << verified.out;
}

TEST(ConsumersTest, FewerConsumersLaterContinueTheSameTrail) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  uint64_t newest_first_run = 0;
  {
    DaemonProcess daemon(trail, dir.path() / "a.sock", {"--all", "--consumers", "3"});
    ASSERT_TRUE(daemon.ready());
    run_process({"/usr/bin/cat", "/etc/hostname"});
    ASSERT_EQ(daemon.stop(), 0);
  }
  for (const auto& rec : search_json(trail)) {
    newest_first_run = std::max<uint64_t>(newest_first_run, rec["seq"]);
  }
  EXPECT_TRUE(fs::is_directory(trail / "stream-2"));
  {
    DaemonProcess daemon(trail, dir.path() / "b.sock", {"--all", "--consumers", "1"});
    ASSERT_TRUE(daemon.ready());
    run_process({"/usr/bin/cat", "/etc/hostname"});
    ASSERT_EQ(daemon.stop(), 0);
  }
  auto records = search_json(trail);
  expect_time_order_and_unique_seqs(records);
  auto started = std::find_if(records.begin(), records.end(), [](const nlohmann::json& rec) {
    return rec["event"] == "daemon" &&
           rec["message"].get<std::string>().find("; 1 consumer") != std::string::npos;
  });
  ASSERT_NE(started, records.end()) << "no start record of the second run";
  for (auto it = started; it != records.end(); ++it) {
    EXPECT_GT((*it)["seq"].get<uint64_t>(), newest_first_run) << it->dump();
  }
  auto verified = verify(trail);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST(ConsumersTest, BadConsumerCountsAreUsageErrors) {
  for (const char* count : {"256", "-1", "two"}) {
    auto run = run_process({c2auditd_path(), "--consumers", count});
    EXPECT_EQ(run.exit_code, 2) << count;
    EXPECT_NE(run.err.find("--consumers"), std::string::npos) << run.err;
  }
}

}  // namespace
}  // namespace c2audit::test
