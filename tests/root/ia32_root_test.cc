// 32-bit system calls (int 0x80 here; a 32-bit program takes the same path
// through TS_COMPAT) are audited by their own table: recorded as the call
// they are, with arch "i386" and their ia32 number, and never read through
// the x86-64 table (ia32 swapon, 87, is x86-64 unlink; ia32 open, 5, is
// x86-64 fstat).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "control/control_server.h"
#include "harness.h"

namespace c2audit::test {
namespace {

struct Ia32Call {
  int pid = 0;
  long ret = 0;
};

Ia32Call ia32_call(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {ia32_call_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto run = run_process(argv);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  auto lines = parse_json_lines(run.out);
  if (lines.empty()) {
    ADD_FAILURE() << "no result from c2audit-ia32-call: " << run.out << run.err;
    return {};
  }
  return {lines.front()["pid"].get<int>(), lines.front()["ret"].get<long>()};
}

std::vector<nlohmann::json> records_of(const std::filesystem::path& trail, int pid) {
  return search_json(trail, {"--pid", std::to_string(pid)});
}

class Ia32Test : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    daemon_.emplace(trail_, socket_, std::vector<std::string>{"--all"});
    ASSERT_TRUE(daemon_->ready());
  }
  void stop() {
    auto status = control_request(socket_, "status");
    ASSERT_TRUE(status);
    EXPECT_EQ(nlohmann::json::parse(*status)["decode_errors"], 0)
        << "a call was handed over under a number its ABI does not cover";
    ASSERT_EQ(daemon_->stop(), 0);
  }

  TempDir dir_;
  std::filesystem::path trail_ = dir_.path() / "trail";
  std::filesystem::path socket_ = dir_.path() / "control.sock";
  std::optional<DaemonProcess> daemon_;
};

TEST_F(Ia32Test, SwaponIsRecordedAsSwaponNotReadAsUnlink) {
  std::string path = (dir_.path() / "never-there").native();
  auto call = ia32_call({"swapon", path});
  EXPECT_EQ(call.ret, -2) << "the kernel ran it as ia32 swapon: ENOENT";
  stop();
  int found = 0;
  for (const auto& rec : records_of(trail_, call.pid)) {
    EXPECT_NE(rec["event"], "unlink") << "a 32-bit call misread: " << rec.dump();
    if (rec.value("path", "") != path) continue;
    ++found;
    EXPECT_EQ(rec["event"], "swapon") << rec.dump();
    EXPECT_EQ(rec["arch"], "i386") << rec.dump();
    EXPECT_EQ(rec["syscall"], 87) << rec.dump();
    EXPECT_EQ(rec["errno"], "ENOENT") << rec.dump();
  }
  EXPECT_EQ(found, 1) << "recorded as what it is";
}

TEST_F(Ia32Test, OpensAreRecordedWithTheirArch) {
  auto file = dir_.path() / "ia32-target";
  std::ofstream(file) << "x";
  auto open = ia32_call({"open", file.native()});
  auto openat = ia32_call({"openat", file.native()});
  EXPECT_GE(open.ret, 0);
  EXPECT_GE(openat.ret, 0);
  stop();
  auto expect_one = [&](const Ia32Call& call, const char* event, int nr) {
    int found = 0;
    for (const auto& rec : records_of(trail_, call.pid)) {
      if (rec.value("path", "") != file.native()) continue;
      ++found;
      EXPECT_EQ(rec["event"], event) << rec.dump();
      EXPECT_EQ(rec["arch"], "i386") << rec.dump();
      EXPECT_EQ(rec["syscall"], nr) << rec.dump();
      EXPECT_EQ(rec["class"], "file.read") << rec.dump();
      EXPECT_EQ(rec["result"], "success") << rec.dump();
    }
    EXPECT_EQ(found, 1) << event;
  };
  expect_one(open, "open", 5);
  expect_one(openat, "openat", 295);
}

TEST_F(Ia32Test, AFailedUnlinkIsRecordedAsOne) {
  std::string path = (dir_.path() / "not-there").native();
  auto call = ia32_call({"unlink", path});
  EXPECT_EQ(call.ret, -2);
  stop();
  int found = 0;
  for (const auto& rec : records_of(trail_, call.pid)) {
    EXPECT_NE(rec["event"], "mprotect") << "x86-64 10 is mprotect: " << rec.dump();
    if (rec.value("path", "") != path) continue;
    ++found;
    EXPECT_EQ(rec["event"], "unlink") << rec.dump();
    EXPECT_EQ(rec["arch"], "i386") << rec.dump();
    EXPECT_EQ(rec["errno"], "ENOENT") << rec.dump();
  }
  EXPECT_EQ(found, 1);
}

TEST_F(Ia32Test, ExecveIsRecordedWithItsArguments) {
  auto call = ia32_call({"execve", "/usr/bin/true", "ia32-arg"});
  stop();
  int found = 0;
  for (const auto& rec : records_of(trail_, call.pid)) {
    // The same pid's own start (run_process's 64-bit exec of the tool) comes first.
    if (rec["event"] != "execve" || rec["path"] == ia32_call_path()) continue;
    ++found;
    EXPECT_EQ(rec["arch"], "i386") << rec.dump();
    EXPECT_EQ(rec["syscall"], 11) << rec.dump();
    EXPECT_EQ(rec["path"], "/usr/bin/true") << rec.dump();
    EXPECT_EQ(rec["argv"], nlohmann::json({"/usr/bin/true", "ia32-arg"})) << rec.dump();
    EXPECT_EQ(rec["result"], "success") << rec.dump();
  }
  EXPECT_EQ(found, 1);
}

TEST_F(Ia32Test, SocketcallConnectIsRecordedAsConnect) {
  // A port nobody listens on: the connect fails, and is recorded.
  int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(any);
  ASSERT_EQ(::bind(probe, reinterpret_cast<sockaddr*>(&any), sizeof(any)), 0);
  ASSERT_EQ(::getsockname(probe, reinterpret_cast<sockaddr*>(&any), &len), 0);
  int port = ntohs(any.sin_port);
  ::close(probe);
  auto call = ia32_call({"connect", std::to_string(port)});
  EXPECT_EQ(call.ret, -ECONNREFUSED);
  stop();
  int found = 0;
  for (const auto& rec : records_of(trail_, call.pid)) {
    if (rec["event"] != "connect") continue;
    ++found;
    EXPECT_EQ(rec["arch"], "i386") << rec.dump();
    EXPECT_EQ(rec["syscall"], 102) << "socketcall's own number: " << rec.dump();
    EXPECT_EQ(rec["addr"], "127.0.0.1") << rec.dump();
    EXPECT_EQ(rec["port"], port) << rec.dump();
    EXPECT_EQ(rec["errno"], "ECONNREFUSED") << rec.dump();
  }
  EXPECT_EQ(found, 1);
}

// The sensor reads no more of socketcall's argument array than the kernel
// does: two words for listen, even when nothing is mapped after them.
TEST_F(Ia32Test, SocketcallWhoseArgumentsEndAPageIsRecorded) {
  auto call = ia32_call({"listen", "-"});
  EXPECT_EQ(call.ret, 0);
  stop();
  int found = 0;
  for (const auto& rec : records_of(trail_, call.pid)) {
    if (rec["event"] != "listen") continue;
    ++found;
    EXPECT_EQ(rec["arch"], "i386") << rec.dump();
    EXPECT_EQ(rec["syscall"], 102) << rec.dump();
    EXPECT_EQ(rec["result"], "success") << rec.dump();
  }
  EXPECT_EQ(found, 1) << "a listen the kernel carried out left no record";
}

}  // namespace
}  // namespace c2audit::test
