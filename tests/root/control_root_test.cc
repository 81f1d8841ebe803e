// The control socket must never hold up recording: clients that connect and
// say nothing are dropped after a short deadline, and meanwhile the
// consumers go on draining their rings (hostile-input issue, item 9).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <vector>

#include "common/file_descriptor.h"
#include "control/control_server.h"
#include "harness.h"

namespace c2audit::test {
namespace {

namespace fs = std::filesystem;

FileDescriptor connect_to(const fs::path& socket) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket.c_str(), sizeof(addr.sun_path) - 1);
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0)
      << std::strerror(errno);
  return fd;
}

// Connects, sends nothing, and waits for the daemon to hang up; returns how
// long that took.
std::chrono::milliseconds hold_idle_connection(const fs::path& socket) {
  FileDescriptor fd = connect_to(socket);
  auto start = std::chrono::steady_clock::now();
  char byte;
  while (::read(fd.get(), &byte, 1) > 0) {
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

TEST(ControlTest, IdleClientsAreDroppedAndRecordingGoesOn) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  auto socket = dir.path() / "control.sock";
  auto target = dir.path() / "target";
  std::ofstream(target) << "x";
  DaemonProcess daemon(trail, socket, {"--all", "--syscalls", "fremovexattr"});
  ASSERT_TRUE(daemon.ready());
  BackgroundProcess storm({storm_path(), target.native(), "400000"});
  for (int i = 0; i < 4; ++i) {
    auto held = hold_idle_connection(socket);
    EXPECT_LT(held.count(), 1500) << "an idle client held the daemon for " << held.count() << " ms";
  }
  auto done = storm.finish();
  ASSERT_EQ(done.exit_code, 0) << done.err;
  uint64_t performed = nlohmann::json::parse(done.out)["calls"];
  auto status = run_process({c2audit_path(), "status", "--socket", socket.native()});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  ASSERT_EQ(daemon.stop(), 0);

  auto recorded =
      run_process({c2audit_path(), "search", "--trail", trail.native(), "--event", "fremovexattr"});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  EXPECT_EQ(static_cast<uint64_t>(std::count(recorded.out.begin(), recorded.out.end(), '\n')),
            performed);
  uint64_t lost = 0;
  for (const auto& rec : search_json(trail, {"--event", "lost"}))
    lost += rec["count"].get<uint64_t>();
  EXPECT_EQ(lost, 0u);
}

// Clients are served side by side, each with its own deadline: a crowd of
// idle ones (more than are served at once) delays a status request by about
// one deadline, not by one deadline each (40 x 500 ms, past the CLI's 2 s).
TEST(ControlTest, ACrowdOfIdleClientsDoesNotShutOutStatus) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto socket = dir.path() / "control.sock";
  DaemonProcess daemon(dir.path() / "trail", socket, {"--all", "--syscalls", "fremovexattr"});
  ASSERT_TRUE(daemon.ready());
  std::vector<FileDescriptor> crowd;
  for (int i = 0; i < 40; ++i) crowd.push_back(connect_to(socket));
  auto start = std::chrono::steady_clock::now();
  auto status = control_request(socket, "status");
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_NE(status->find("\"events_recorded\""), std::string::npos) << *status;
  EXPECT_LT(took.count(), 2000) << "status waited " << took.count() << " ms behind idle clients";
  ASSERT_EQ(daemon.stop(), 0);
}

// Only root is served, whatever the socket's mode (SO_PEERCRED).
TEST(ControlTest, APeerThatIsNotRootIsRefused) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto socket = dir.path() / "control.sock";
  DaemonProcess daemon(dir.path() / "trail", socket, {"--all", "--syscalls", "fremovexattr"});
  ASSERT_TRUE(daemon.ready());
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::others_exec);
  fs::permissions(socket, fs::perms::all);  // an administrator's mistake
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  pid_t child = ::fork();
  if (child == 0) {
    ::close(out[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) _exit(1);
    auto reply = control_request(socket, "reload");
    std::string text = reply ? *reply : "error: " + reply.error().message;
    (void)!::write(out[1], text.data(), text.size());
    _exit(0);
  }
  ::close(out[1]);
  std::string reply;
  char buf[512];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof(buf))) > 0;) reply.append(buf, n);
  ::close(out[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_NE(reply.find("refused"), std::string::npos) << reply;
  ASSERT_EQ(daemon.stop(), 0);
  int reloads = 0;
  for (const auto& rec : search_json(dir.path() / "trail", {"--event", "config"})) {
    if (rec.value("message", "").find("uid 65534") != std::string::npos) ++reloads;
  }
  EXPECT_EQ(reloads, 0) << "a reload by a non-root peer was carried out";
}

}  // namespace
}  // namespace c2audit::test
