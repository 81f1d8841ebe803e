// The seed problem of 2001: `grep -r` over /usr/include while every open is
// audited lost ~500 of 3000 events. Here the count recorded must equal the
// count strace saw grep perform, with no `lost` record.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "harness.h"

namespace c2audit::test {
namespace {

const std::set<std::string> kOpenCalls = {"open", "openat", "openat2", "creat"};

// Sums the "calls" column of `strace -c` for the open family.
uint64_t opens_in_strace_summary(const std::string& summary) {
  // "% time  seconds  usecs/call  calls  errors syscall" rows.
  std::regex row(R"(^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$)");
  uint64_t total = 0;
  std::istringstream in(summary);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, row) && kOpenCalls.count(m[2])) total += std::stoull(m[1]);
  }
  return total;
}

TEST(GrepTest, EveryOpenOfARecursiveGrepIsRecordedAndNoneLost) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  auto summary_path = dir.path() / "strace.txt";
  DaemonProcess daemon(trail, dir.path() / "control.sock");
  ASSERT_TRUE(daemon.ready());
  BackgroundProcess strace({"/usr/bin/strace", "-f", "-qq", "-c", "-o", summary_path.native(),
                            "-e", "trace=open,openat,openat2,creat", "/usr/bin/grep", "-r", "-c",
                            "c2audit-needle-never-found", "/usr/include"});
  pid_t strace_pid = strace.pid();  // grep's parent: other greps on the host don't count
  auto grep = strace.finish();
  ASSERT_LE(grep.exit_code, 1) << grep.err;  // 1: no match, as expected
  ASSERT_EQ(daemon.stop(), 0);

  std::ifstream in(summary_path);
  std::stringstream summary;
  summary << in.rdbuf();
  uint64_t performed = opens_in_strace_summary(summary.str());
  ASSERT_GT(performed, 1000u) << summary.str();

  uint64_t recorded = 0, lost = 0;
  for (const auto& rec : search_json(trail)) {
    if (rec.value("event", "") == "lost") lost += rec.value("count", 0ull);
    if (rec.value("exe", "") == "/usr/bin/grep" && rec.value("ppid", 0) == strace_pid &&
        kOpenCalls.count(rec.value("event", ""))) {
      ++recorded;
    }
  }
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(recorded, performed);
  std::printf("grep -r /usr/include: %lu opens performed, %lu recorded, %lu lost\n",
              static_cast<unsigned long>(performed), static_cast<unsigned long>(recorded),
              static_cast<unsigned long>(lost));
}

}  // namespace
}  // namespace c2audit::test
