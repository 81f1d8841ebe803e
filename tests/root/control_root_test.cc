// The control socket must never hold up recording: clients that connect and
// say nothing are dropped after a short deadline, and meanwhile the
// consumers go on draining their rings (hostile-input issue, item 9).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>

#include "common/file_descriptor.h"
#include "harness.h"

namespace c2audit::test {
namespace {

namespace fs = std::filesystem;

// Connects, sends nothing, and waits for the daemon to hang up; returns how
// long that took.
std::chrono::milliseconds hold_idle_connection(const fs::path& socket) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket.c_str(), sizeof(addr.sun_path) - 1);
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0)
      << std::strerror(errno);
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

}  // namespace
}  // namespace c2audit::test
