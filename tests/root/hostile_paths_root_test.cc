// A trail, key or control socket where another user can reach: c2auditd
// must refuse to start (exit 1, naming the path and why), and touch nothing
// that user planted (hostile-input issue, items 4-6).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness.h"

namespace c2audit::test {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;

struct Start {
  fs::path trail, key, socket;
};

ProcessResult start_daemon(const Start& s) {
  // The seal log in the test's own directory: nothing is left in /var/lib.
  return run_process({c2auditd_path(), "--all", "--quiet", "--trail", s.trail.native(),
                      "--key-file", s.key.native(), "--control-socket", s.socket.native(),
                      "--seal-log", (s.trail.parent_path() / "seals.log").native()});
}

void expect_refused(const ProcessResult& run, const fs::path& path, const std::string& why) {
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find(path.native()), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(why), std::string::npos) << run.err;
}

class HostilePathsTest : public testing::Test {
 protected:
  void SetUp() override {
    s_ = {dir_.path() / "trail", dir_.path() / "keys" / "host.key", dir_.path() / "run" / "c.sock"};
  }
  TempDir dir_;
  Start s_;
};

TEST_F(HostilePathsTest, TrailDirectoryOwnedByAnotherUserIsRefused) {
  C2AUDIT_REQUIRE_ROOT();
  fs::create_directory(s_.trail);
  ASSERT_EQ(::chown(s_.trail.c_str(), kNobody, kNobody), 0);
  expect_refused(start_daemon(s_), s_.trail, "owned by uid 65534");
  EXPECT_FALSE(fs::exists(s_.trail / ".lock"));
}

TEST_F(HostilePathsTest, TrailDirectoryOthersCanWriteIsRefused) {
  C2AUDIT_REQUIRE_ROOT();
  fs::create_directory(s_.trail);
  ASSERT_EQ(::chmod(s_.trail.c_str(), 0777), 0);
  expect_refused(start_daemon(s_), s_.trail, "writable by group or others");
}

TEST_F(HostilePathsTest, TrailInsideADirectoryAnotherUserOwnsIsRefused) {
  C2AUDIT_REQUIRE_ROOT();
  fs::path home = dir_.path() / "home";
  fs::create_directory(home);
  ASSERT_EQ(::chown(home.c_str(), kNobody, kNobody), 0);
  s_.trail = home / "trail";
  fs::create_directory(s_.trail);
  expect_refused(start_daemon(s_), s_.trail, "owned by uid 65534, who could replace it");
}

TEST_F(HostilePathsTest, PlantedLockLinkIsNotFollowed) {
  C2AUDIT_REQUIRE_ROOT();
  fs::create_directory(s_.trail);
  ASSERT_EQ(::chmod(s_.trail.c_str(), 0750), 0);
  fs::path target = dir_.path() / "created-by-root";
  fs::create_symlink(target, s_.trail / ".lock");
  expect_refused(start_daemon(s_), s_.trail / ".lock", "not followed");
  EXPECT_FALSE(fs::exists(target)) << "root created a file where the link pointed";
}

TEST_F(HostilePathsTest, KeyFileOwnedByAnotherUserIsRefused) {
  C2AUDIT_REQUIRE_ROOT();
  fs::create_directory(s_.key.parent_path());
  ASSERT_EQ(::chmod(s_.key.parent_path().c_str(), 0700), 0);
  std::ofstream(s_.key) << "c2audit-host-key v1 " << std::string(64, 'a') << "\n";
  ASSERT_EQ(::chmod(s_.key.c_str(), 0400), 0);
  ASSERT_EQ(::chown(s_.key.c_str(), kNobody, kNobody), 0);
  expect_refused(start_daemon(s_), s_.key, "owned by uid 65534");
}

TEST_F(HostilePathsTest, KeyDirectoryOthersCanWriteIsRefused) {
  C2AUDIT_REQUIRE_ROOT();
  fs::create_directory(s_.key.parent_path());
  ASSERT_EQ(::chmod(s_.key.parent_path().c_str(), 0777), 0);
  expect_refused(start_daemon(s_), s_.key.parent_path(), "writable by group or others");
  EXPECT_FALSE(fs::exists(s_.key)) << "a key was made where others can swap it";
}

TEST_F(HostilePathsTest, RegularFileAtTheSocketPathIsKept) {
  C2AUDIT_REQUIRE_ROOT();
  fs::create_directory(s_.socket.parent_path());
  ASSERT_EQ(::chmod(s_.socket.parent_path().c_str(), 0700), 0);
  std::ofstream(s_.socket) << "precious";
  expect_refused(start_daemon(s_), s_.socket, "not a socket; not removed");
  std::ifstream kept(s_.socket);
  std::string text;
  kept >> text;
  EXPECT_EQ(text, "precious");
}

TEST_F(HostilePathsTest, SocketInADirectoryOthersCanWriteIsRefused) {
  C2AUDIT_REQUIRE_ROOT();
  fs::create_directory(s_.socket.parent_path());
  ASSERT_EQ(::chmod(s_.socket.parent_path().c_str(), 01777), 0);  // like /tmp
  expect_refused(start_daemon(s_), s_.socket.parent_path(), "writable by group or others");
}

}  // namespace
}  // namespace c2audit::test
