// The sensor records a call at its return: the record's time is when the call
// returned, and a successful exec (whose return is the new program's, with
// orig_ax reset to execve) is still recorded as the call that was made.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "harness.h"
#include "record/time_format.h"

namespace c2audit::test {
namespace {

// Starts c2auditd with one objective file holding `objective` (TOML).
class ExitTest : public ::testing::Test {
 protected:
  void start(const std::string& objective) {
    std::filesystem::create_directories(objectives_);
    std::ofstream(objectives_ / "10-test.toml") << objective;
    daemon_ = std::make_unique<DaemonProcess>(
        trail_, dir_.path() / "control.sock",
        std::vector<std::string>{"--objectives", objectives_.native()});
    ASSERT_TRUE(daemon_->ready()) << "see " << daemon_->stderr_path();
  }

  std::vector<nlohmann::json> stop_and_search() {
    EXPECT_EQ(daemon_->stop(), 0);
    return search_json(trail_);
  }

  TempDir dir_;
  std::filesystem::path objectives_ = dir_.path() / "objectives";
  std::filesystem::path trail_ = dir_.path() / "trail";
  std::unique_ptr<DaemonProcess> daemon_;
};

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(ExitTest, TimeIsWhenTheCallReturned) {
  C2AUDIT_REQUIRE_ROOT();
  auto fifo = dir_.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  start("[[objective]]\nname = \"fifo\"\nevents = [\"openat\"]\npaths = [\"" + fifo.native() +
        "\"]\n");

  pid_t reader = fork();
  if (reader == 0) _exit(::open(fifo.c_str(), O_RDONLY) < 0 ? 1 : 0);  // blocks for a writer
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  int64_t writer_opens = wall_ns();
  int fd = ::open(fifo.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(wait_for(reader), 0);
  ::close(fd);

  int found = 0;
  for (const auto& r : stop_and_search()) {
    if (r.value("pid", 0) != reader || r.value("path", "") != fifo.native()) continue;
    ++found;
    auto time = parse_time_arg(r["time"].get<std::string>());
    ASSERT_TRUE(time) << r.dump();
    // Entered ~700 ms before the writer came; returned after it opened.
    EXPECT_GT(*time, writer_opens - 100'000'000) << r.dump();
    EXPECT_EQ(r["result"], "success");
  }
  EXPECT_EQ(found, 1);
}

TEST_F(ExitTest, SuccessfulExecveatIsRecordedAsExecveat) {
  C2AUDIT_REQUIRE_ROOT();
  start("[[objective]]\nname = \"execveat-only\"\nevents = [\"execveat\"]\n");
  std::string marker = "--c2audit-exit-test-" + std::to_string(getpid());

  pid_t child = fork();
  if (child == 0) {
    int dir = ::open("/usr/bin", O_RDONLY | O_DIRECTORY);
    const char* argv[] = {"true", marker.c_str(), nullptr};
    syscall(SYS_execveat, dir, "true", argv, environ, 0);
    _exit(127);
  }
  ASSERT_EQ(wait_for(child), 0);
  pid_t plain = fork();  // execve is not selected: never recorded
  if (plain == 0) {
    const char* argv[] = {"/usr/bin/true", marker.c_str(), nullptr};
    execve("/usr/bin/true", const_cast<char* const*>(argv), environ);
    _exit(127);
  }
  ASSERT_EQ(wait_for(plain), 0);

  int found = 0;
  for (const auto& r : stop_and_search()) {
    if (r.value("argv", nlohmann::json::array()).dump().find(marker) == std::string::npos) continue;
    ++found;
    EXPECT_EQ(r["event"], "execveat") << r.dump();
    EXPECT_EQ(r["pid"], child) << r.dump();
    EXPECT_EQ(r["path"], "/usr/bin/true") << r.dump();
    EXPECT_EQ(r["exe"], "/usr/bin/true") << r.dump();
    EXPECT_EQ(r["argv"], nlohmann::json::array({"true", marker})) << r.dump();
    EXPECT_EQ(r["result"], "success") << r.dump();
  }
  EXPECT_EQ(found, 1);
}

}  // namespace
}  // namespace c2audit::test
