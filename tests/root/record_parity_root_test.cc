// Records as complete as kernel audit's (issue 19): what its regression suite
// (linux-audit/audit-testsuite) checks that a record carries, on real calls.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "harness.h"
#include "objective_daemon.h"

namespace c2audit::test {
namespace {

using RecordParityTest = ObjectiveDaemonTest;

constexpr size_t kLongArgument = 7'499;  // the suite's exec_execve test: longer than 1 KiB kept

// Runs /usr/bin/true with these arguments after argv[0].
void run_true(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/true"};
  argv.insert(argv.end(), args.begin(), args.end());
  ASSERT_EQ(run_process(argv).exit_code, 0);
}

// The exec records whose argv[1] is `marker`.
std::vector<nlohmann::json> execs_marked(const std::vector<nlohmann::json>& records,
                                         const std::string& marker) {
  std::vector<nlohmann::json> found;
  for (const auto& r : records) {
    if (r.value("event", "") != "execve" || !r.contains("argv") || r["argv"].size() < 2) continue;
    if (r["argv"][1] == marker) found.push_back(r);
  }
  return found;
}

TEST_F(RecordParityTest, ALongArgumentIsCutAndTheRecordSaysSo) {
  C2AUDIT_REQUIRE_ROOT();
  start("[[objective]]\nname = \"execs\"\nevents = [\"execve\"]\n");
  std::string marker = "--c2audit-long-" + std::to_string(getpid());
  std::string last_marker = marker + "-last";
  std::string long_argument(kLongArgument, 'x');
  run_true({marker, long_argument});                // the long one last
  run_true({last_marker, long_argument, "after"});  // and one more after it
  run_true({marker + "-short", "short"});

  auto records = stop_and_search();
  for (const auto& mark : {marker, last_marker}) {
    auto found = execs_marked(records, mark);
    ASSERT_EQ(found.size(), 1u) << mark;
    const auto& r = found[0];
    EXPECT_EQ(r.value("argv_truncated", false), true) << r.dump().substr(0, 300);
    std::string kept = r["argv"][2];
    EXPECT_LT(kept.size(), long_argument.size());
    EXPECT_EQ(long_argument.rfind(kept, 0), 0u) << "a prefix of the argument";
  }
  auto whole = execs_marked(records, marker + "-short");
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_FALSE(whole[0].contains("argv_truncated")) << whole[0].dump();
}

TEST_F(RecordParityTest, ArgumentsThatAreNotUtf8StayDistinctAndRecoverable) {
  C2AUDIT_REQUIRE_ROOT();
  start("[[objective]]\nname = \"execs\"\nevents = [\"execve\"]\n");
  std::string marker = "--c2audit-bytes-" + std::to_string(getpid());
  run_true({marker, "\xff\xfe"});
  run_true({marker, "\xfe\xff"});

  auto found = execs_marked(stop_and_search(), marker);
  ASSERT_EQ(found.size(), 2u);
  std::set<std::string> arguments;
  for (const auto& r : found) {
    EXPECT_EQ(r["hex"], nlohmann::json::array({"argv[2]"})) << r.dump();
    arguments.insert(r["argv"][2].get<std::string>());
  }
  EXPECT_EQ(arguments, (std::set<std::string>{"fffe", "feff"}));
}

}  // namespace
}  // namespace c2audit::test
