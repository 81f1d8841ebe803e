// c2audit doctor on this machine: the kernel checks pass here (the sensor
// really loads and attaches), a running daemon and its trail are found
// healthy, and what is wrong says so, with a non-zero exit.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "harness.h"

namespace c2audit::test {
namespace {

namespace fs = std::filesystem;

// Verdict per check, from `c2audit doctor --json`.
std::map<std::string, std::string> verdicts(const ProcessResult& result) {
  std::map<std::string, std::string> out;
  for (const auto& check : nlohmann::json::parse(result.out)) {
    out[check["check"].get<std::string>()] = check["verdict"].get<std::string>();
  }
  return out;
}

ProcessResult doctor(const fs::path& trail, const fs::path& socket,
                     const std::vector<std::string>& wrapper = {}) {
  std::vector<std::string> argv = wrapper;
  for (const std::string& arg :
       {c2audit_path(), std::string("doctor"), std::string("--json"), std::string("--trail"),
        trail.native(), std::string("--key-file"), trail.native() + ".key",
        std::string("--control-socket"), socket.native()}) {
    argv.push_back(arg);
  }
  return run_process(argv);
}

TEST(Doctor, FindsTheKernelTheTrailAndARunningDaemonHealthy) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  fs::path trail = dir.path() / "trail", socket = dir.path() / "control.sock";
  DaemonProcess daemon(trail, socket, {"--all", "--consumers", "1"});
  ASSERT_TRUE(daemon.ready()) << "see " << daemon.stderr_path();
  ProcessResult result = doctor(trail, socket);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  auto found = verdicts(result);
  for (const char* check : {"privilege", "kernel BTF", "ring buffer", "sensor", "trail directory",
                            "host key", "daemon"}) {
    EXPECT_EQ(found[check], "ok") << check << "\n" << result.out;
  }
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(Doctor, AHostKeyOthersCanReadAndAnOpenTrailFail) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  fs::path trail = dir.path() / "trail", socket = dir.path() / "none.sock";
  fs::create_directory(trail);
  ::chmod(trail.c_str(), 0777);
  std::ofstream(trail.native() + ".key") << "not a secret any more";
  ::chmod((trail.native() + ".key").c_str(), 0644);
  ProcessResult result = doctor(trail, socket);
  EXPECT_EQ(result.exit_code, 1) << result.out;
  auto found = verdicts(result);
  EXPECT_EQ(found["trail directory"], "fail");
  EXPECT_EQ(found["host key"], "fail");
  EXPECT_EQ(found["daemon"], "warn");  // not running: a warning, with what to do
  EXPECT_NE(result.out.find("chmod 0400"), std::string::npos) << result.out;
}

TEST(Doctor, WithoutPrivilegeSaysSoAndFails) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  ProcessResult result =
      doctor(dir.path() / "trail", dir.path() / "none.sock",
             {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  auto found = verdicts(result);
  EXPECT_EQ(found["privilege"], "fail");
  EXPECT_EQ(found["sensor"], "fail");
}

}  // namespace
}  // namespace c2audit::test
