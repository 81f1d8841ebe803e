// 32-bit system calls (int 0x80) are not covered yet, but they must never
// be misread through the 64-bit table: an ia32 swapon (87) is not an unlink
// (87 in x86-64), or anyone could plant records of deletions that never
// happened. They are counted instead (status: ia32_calls_not_audited).
#include <gtest/gtest.h>
#include <unistd.h>

#include "control/control_server.h"
#include "harness.h"

namespace c2audit::test {
namespace {

TEST(Ia32Test, ThirtyTwoBitCallsAreCountedNotMisread) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  auto socket = dir.path() / "control.sock";
  DaemonProcess daemon(trail, socket, {"--all"});
  ASSERT_TRUE(daemon.ready());
  std::string path = (dir.path() / "never-there").native();
  auto call = run_process({ia32_call_path(), path});
  ASSERT_EQ(call.exit_code, 0) << call.err;
  auto reply = nlohmann::json::parse(call.out);
  EXPECT_EQ(reply["ret"], -2) << "the kernel ran it as ia32 swapon: ENOENT";
  auto status = control_request(socket, "status");
  ASSERT_TRUE(status);
  EXPECT_GE(nlohmann::json::parse(*status)["ia32_calls_not_audited"].get<uint64_t>(), 1u);
  ASSERT_EQ(daemon.stop(), 0);

  for (const auto& rec : search_json(trail, {"--pid", std::to_string(reply["pid"].get<int>())})) {
    EXPECT_NE(rec.value("path", ""), path) << "a 32-bit call misread: " << rec.dump();
    EXPECT_NE(rec["event"], "unlink") << rec.dump();
  }
}

}  // namespace
}  // namespace c2audit::test
