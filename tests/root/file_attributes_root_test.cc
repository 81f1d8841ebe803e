// File attributes and privilege kept in a file.
//
// chattr: the file attribute flags (immutable, append-only …) are set by an
// ioctl, which the sensor selects by its request in the kernel (ioctl is
// among the most frequent calls). A selected one is recorded as event
// `ioctl`, class `file.attr`, on the file of its fd, with the request and the
// flags it sets; any other request (lsattr's FS_IOC_GETFLAGS) is not.
//
// The default objectives record a setuid or setgid bit set by chmod (the
// record's mode), and file capabilities set or removed by setcap (the
// record's xattr), anywhere. A plain chmod is not recorded.
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include "harness.h"

namespace c2audit::test {
namespace {

constexpr uint64_t kImmutable = FS_IMMUTABLE_FL, kAppend = FS_APPEND_FL, kNoAtime = FS_NOATIME_FL;

class ChattrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    root_ = std::filesystem::canonical(dir_.path());
    // nobody must reach the file, so that its chattr fails at the ioctl
    std::filesystem::permissions(root_, std::filesystem::perms::owner_all |
                                            std::filesystem::perms::group_exec |
                                            std::filesystem::perms::others_exec);
    std::filesystem::create_directories(root_ / "data");
    std::filesystem::create_directories(root_ / "objectives");
    std::ofstream(file_) << "log line\n";
    ::chmod(file_.c_str(), 0644);
    std::ofstream(root_ / "objectives" / "10-attrs.toml")
        << "[[objective]]\nname = \"attrs\"\nclasses = [\"file.attr\"]\n"
        << "paths = [\"" << (root_ / "data").native() << "/**\"]\n";
    daemon_.emplace(root_ / "trail", root_ / "control.sock",
                    std::vector<std::string>{"--objectives", (root_ / "objectives").native()});
    ASSERT_TRUE(daemon_->ready()) << "see " << daemon_->stderr_path();
  }

  void TearDown() override {
    if (!root_.empty()) run_process({"/usr/bin/chattr", "-i", "-a", file_.native()});
  }

  static void run(const std::vector<std::string>& argv, int want_exit = 0) {
    auto result = run_process(argv);
    EXPECT_EQ(result.exit_code, want_exit) << argv.front() << ": " << result.err;
  }

  TempDir dir_;
  std::filesystem::path root_;
  std::filesystem::path file_ = std::filesystem::canonical(dir_.path()) / "data" / "app.log";
  std::optional<DaemonProcess> daemon_;
};

TEST_F(ChattrTest, SettingAttributesIsRecordedWithTheFlagsAndNothingElseIs) {
  run({"/usr/bin/chattr", "+i", file_.native()});
  run({"/usr/bin/lsattr", file_.native()});
  run({"/usr/bin/chattr", "-i", file_.native()});
  run({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/chattr",
       "+a", file_.native()},
      1);
  run({ia32_call_path(), "chattr", file_.native(), std::to_string(kNoAtime)});
  ASSERT_EQ(daemon_->stop(), 0);

  std::vector<nlohmann::json> ioctls;
  for (auto& rec : search_json(root_ / "trail", {"--event", "ioctl"})) {
    EXPECT_NE(rec.value("comm", ""), "lsattr") << "FS_IOC_GETFLAGS was recorded: " << rec.dump();
    if (rec.value("path", "") == file_.native()) ioctls.push_back(std::move(rec));
  }
  ASSERT_EQ(ioctls.size(), 4u) << "chattr +i, -i, nobody's +a, a 32-bit +A";
  for (const auto& rec : ioctls) {
    EXPECT_EQ(rec["class"], "file.attr") << rec.dump();
    EXPECT_EQ(rec["objective"], "attrs") << rec.dump();
  }
  const auto &set_immutable = ioctls[0], &clear = ioctls[1], &denied = ioctls[2], &ia32 = ioctls[3];
  EXPECT_EQ(set_immutable["request"], "FS_IOC_SETFLAGS");
  EXPECT_EQ(set_immutable["syscall"], 16);
  EXPECT_EQ(set_immutable["result"], "success");
  EXPECT_TRUE(set_immutable["flags"].get<uint64_t>() & kImmutable) << set_immutable.dump();
  EXPECT_FALSE(clear.value("flags", uint64_t{0}) & kImmutable) << clear.dump();
  EXPECT_EQ(denied["result"], "failure");
  EXPECT_EQ(denied["errno"], "EPERM");
  EXPECT_EQ(denied["uid"], 65534);
  EXPECT_TRUE(denied["flags"].get<uint64_t>() & kAppend) << denied.dump();
  EXPECT_EQ(ia32["request"], "FS_IOC32_SETFLAGS");
  EXPECT_EQ(ia32["arch"], "i386");
  EXPECT_EQ(ia32["syscall"], 54);
  EXPECT_TRUE(ia32["flags"].get<uint64_t>() & kNoAtime) << ia32.dump();
}

class PrivilegeBitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    root_ = std::filesystem::canonical(dir_.path());
    std::filesystem::create_directories(root_ / "objectives");  // empty: the defaults
    std::ofstream(file_) << "#!/bin/sh\n";
    daemon_.emplace(root_ / "trail", root_ / "control.sock",
                    std::vector<std::string>{"--objectives", (root_ / "objectives").native()});
    ASSERT_TRUE(daemon_->ready()) << "see " << daemon_->stderr_path();
  }

  static void run(const std::vector<std::string>& argv) {
    auto result = run_process(argv);
    EXPECT_EQ(result.exit_code, 0) << argv.front() << ": " << result.err;
  }

  // The records on the file, by event.
  std::vector<nlohmann::json> records_on_file() {
    std::vector<nlohmann::json> out;
    for (auto& rec : search_json(root_ / "trail", {"--path", file_.native()})) {
      out.push_back(std::move(rec));
    }
    return out;
  }

  TempDir dir_;
  std::filesystem::path root_;
  std::filesystem::path file_ = std::filesystem::canonical(dir_.path()) / "tool";
  std::optional<DaemonProcess> daemon_;
};

TEST_F(PrivilegeBitsTest, SetuidSetgidAndCapabilitiesAreRecordedByDefault) {
  run({"/usr/bin/chmod", "0755", file_.native()});
  run({"/usr/bin/chmod", "u+s", file_.native()});
  run({"/usr/bin/chmod", "g+s", file_.native()});
  run({"/usr/sbin/setcap", "cap_net_raw+ep", file_.native()});
  run({"/usr/sbin/setcap", "-r", file_.native()});
  ASSERT_EQ(daemon_->stop(), 0);

  auto records = records_on_file();
  std::vector<nlohmann::json> modes, capabilities;
  for (const auto& rec : records) {
    if (rec.value("objective", "") == "privilege-bits") modes.push_back(rec);
    if (rec.value("objective", "") == "file-capabilities") capabilities.push_back(rec);
  }
  ASSERT_EQ(modes.size(), 2u) << "u+s and g+s, not the plain chmod";
  EXPECT_EQ(modes[0]["mode"], 04755) << modes[0].dump();
  EXPECT_EQ(modes[1]["mode"], 06755) << modes[1].dump();
  EXPECT_EQ(modes[0]["criticality"], "critical");
  ASSERT_EQ(capabilities.size(), 2u) << "set, then removed";
  EXPECT_EQ(capabilities[0]["event"], "setxattr") << capabilities[0].dump();
  EXPECT_EQ(capabilities[0]["xattr"], "security.capability");
  EXPECT_EQ(capabilities[1]["event"], "removexattr") << capabilities[1].dump();
  EXPECT_EQ(capabilities[1]["xattr"], "security.capability");
  EXPECT_EQ(records.size(), 4u) << "nothing else of the file is selected by default";
}

}  // namespace
}  // namespace c2audit::test
