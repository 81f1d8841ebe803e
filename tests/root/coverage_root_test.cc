// Every covered syscall, performed for real by the workload (successes and
// failures, relative and absolute names, root and another uid), must appear
// exactly once in the trail with the right class, path, result, pid and uid.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>

#include "harness.h"
#include "syscalls/syscall_table.h"

namespace c2audit::test {
namespace {

bool same_object(const nlohmann::json& rec, const nlohmann::json& want) {
  if (rec.value("event", "") != want["event"] || rec.value("pid", 0) != want["pid"]) return false;
  if (want.contains("path") && rec.value("path", "") != want["path"]) return false;
  if (want.contains("addr") && rec.value("addr", "") != want["addr"]) return false;
  return true;
}

std::string describe(const nlohmann::json& want) { return want.dump(); }

// The id of this process's cgroup (the workload inherits it) in the unified
// hierarchy: the inode number of its directory there. Mounted afresh, since
// hosts differ in where (or whether) they mount cgroup2.
uint64_t own_cgroup_id() {
  std::string line, path;
  std::ifstream self("/proc/self/cgroup");
  while (std::getline(self, line)) {
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  }
  TempDir mnt;
  if (path.empty() || mount("none", mnt.path().c_str(), "cgroup2", 0, nullptr) != 0) return 0;
  struct stat st {};
  int rc = stat((mnt.path().native() + path).c_str(), &st);
  umount(mnt.path().c_str());
  return rc == 0 ? st.st_ino : 0;
}

class CoverageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    trail_ = dir_.path() / "trail";
    socket_ = dir_.path() / "control.sock";
    DaemonProcess daemon(trail_, socket_);
    ASSERT_TRUE(daemon.ready()) << "c2auditd did not start; see " << daemon.stderr_path();
    auto run = run_process({workload_path(), (dir_.path() / "work").native()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    expected_ = parse_json_lines(run.out);
    ASSERT_EQ(daemon.stop(), 0);
    records_ = search_json(trail_);
    cgroup_id_ = own_cgroup_id();
  }

  TempDir dir_;
  std::filesystem::path trail_, socket_;
  std::vector<nlohmann::json> expected_, records_;
  uint64_t cgroup_id_ = 0;
};

TEST_F(CoverageTest, EachOperationIsRecordedExactlyOnceWithItsDetails) {
  ASSERT_FALSE(expected_.empty());
  ASSERT_NE(cgroup_id_, 0u) << "cannot find this process's cgroup2 directory";
  for (const auto& want : expected_) {
    std::vector<nlohmann::json> found;
    for (const auto& rec : records_) {
      if (same_object(rec, want)) found.push_back(rec);
    }
    ASSERT_EQ(found.size(), 1u) << describe(want);
    const auto& rec = found.front();
    EXPECT_EQ(rec["class"], want["class"]) << describe(want);
    EXPECT_EQ(rec["result"], want["result"]) << describe(want);
    EXPECT_EQ(rec.value("errno", ""), want.value("errno", "")) << describe(want);
    EXPECT_EQ(rec["uid"], want["uid"]) << describe(want);
    EXPECT_EQ(rec.value("cgroup_id", 0ull), cgroup_id_) << describe(want);
    EXPECT_EQ(rec.value("path2", ""), want.value("path2", "")) << describe(want);
    if (want.contains("port")) {
      EXPECT_EQ(rec.value("port", -1), want["port"]) << describe(want);
    }
    EXPECT_FALSE(rec.value("path_unresolved", false)) << describe(want);
    for (const char* field : {"time", "seq", "tid", "ppid", "euid", "auid", "ses", "comm", "exe",
                              "user", "objective", "criticality"}) {
      EXPECT_TRUE(rec.contains(field)) << field << " missing: " << rec.dump();
    }
  }
}

TEST_F(CoverageTest, WorkloadExercisesEveryCoveredSyscall) {
  std::set<std::string> exercised;
  for (const auto& want : expected_) exercised.insert(want["event"].get<std::string>());
  for (const auto& info : covered_syscalls()) {
    EXPECT_TRUE(exercised.count(std::string(info.name))) << info.name << " not exercised";
  }
}

TEST_F(CoverageTest, ExecRecordsCarryArgvAndTheNewExecutable) {
  bool seen = false;
  for (const auto& rec : records_) {
    if (rec.value("event", "") != "execve" || rec.value("result", "") != "success") continue;
    if (!rec.contains("argv") || rec["argv"].size() < 2 || rec["argv"][1] != "--c2audit-arg") {
      continue;
    }
    seen = true;
    EXPECT_EQ(rec["argv"][0], "true");
    EXPECT_EQ(rec["exe"], "/usr/bin/true");
    EXPECT_EQ(rec["comm"], "true");
  }
  EXPECT_TRUE(seen);
}

TEST_F(CoverageTest, RecordsAreInTimeOrderWithUniqueSeqsAndNothingWasLost) {
  expect_time_order_and_unique_seqs(records_);
  for (const auto& rec : records_) EXPECT_NE(rec["event"], "lost") << rec.dump();
}

}  // namespace
}  // namespace c2audit::test
