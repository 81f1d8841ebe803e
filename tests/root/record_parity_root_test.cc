// Records as complete as kernel audit's (issue 19): what its regression suite
// (linux-audit/audit-testsuite) checks that a record carries, on real calls.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
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
  // Exactly the bytes kept, the last NUL aside: whole, so not cut.
  std::string exact_marker = marker + "-exact";
  const size_t kept = 1024 - 1;  // C2A_ARGV_MAX - 1
  std::string exact(kept - std::string("/usr/bin/true").size() - exact_marker.size() - 2, 'y');
  run_true({exact_marker, exact});

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
  for (const auto& mark : {marker + "-short", exact_marker}) {
    auto whole = execs_marked(records, mark);
    ASSERT_EQ(whole.size(), 1u) << mark;
    EXPECT_FALSE(whole[0].contains("argv_truncated")) << whole[0].dump().substr(0, 300);
  }
  auto exact_record = execs_marked(records, exact_marker);
  ASSERT_EQ(exact_record.size(), 1u);
  EXPECT_EQ(exact_record[0]["argv"][2], exact);
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

// A child that waits to be signalled; killed and reaped on destruction.
class Sleeper {
 public:
  Sleeper() : pid_(fork()) {
    if (pid_ == 0) {
      pause();
      _exit(0);
    }
  }
  ~Sleeper() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

// The records of this test process's calls of `event`.
std::vector<nlohmann::json> calls_of(const std::vector<nlohmann::json>& records,
                                     const std::string& event) {
  std::vector<nlohmann::json> found;
  for (const auto& r : records) {
    if (r.value("pid", 0) == getpid() && r.value("event", "") == event) found.push_back(r);
  }
  return found;
}

TEST_F(RecordParityTest, SignalsNameTheirTargetAndTheSignal) {
  C2AUDIT_REQUIRE_ROOT();
  start("[[objective]]\nname = \"signals\"\nclasses = [\"process.signal\"]\n");
  Sleeper first, second, third;
  ASSERT_EQ(kill(first.pid(), 0), 0);  // a probe: signal 0
  ASSERT_EQ(kill(first.pid(), SIGTERM), 0);
  ASSERT_EQ(syscall(SYS_tgkill, second.pid(), second.pid(), SIGUSR1), 0);
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, third.pid(), 0));
  ASSERT_GE(pidfd, 0);
  ASSERT_EQ(syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0), 0);
  close(pidfd);
  ASSERT_EQ(kill(999'999'999, SIGHUP), -1);  // no such process: a failure, still named

  pid_t daemon = daemon_->pid();
  auto records = stop_and_search();
  auto kills = calls_of(records, "kill");
  std::erase_if(kills, [daemon](const auto& r) { return r["target_pid"] == daemon; });  // stop()
  ASSERT_EQ(kills.size(), 3u);
  for (const auto& r : kills) EXPECT_EQ(r["class"], "process.signal") << r.dump();
  EXPECT_EQ(kills[0]["target_pid"], first.pid());
  EXPECT_EQ(kills[0]["signal"], 0);
  EXPECT_EQ(kills[1]["target_pid"], first.pid());
  EXPECT_EQ(kills[1]["signal"], SIGTERM);
  EXPECT_EQ(kills[2]["target_pid"], 999'999'999);
  EXPECT_EQ(kills[2]["signal"], SIGHUP);
  EXPECT_EQ(kills[2]["errno"], "ESRCH");
  auto tgkills = calls_of(records, "tgkill");
  ASSERT_EQ(tgkills.size(), 1u);
  EXPECT_EQ(tgkills[0]["target_pid"], second.pid());
  EXPECT_EQ(tgkills[0]["signal"], SIGUSR1);
  auto pidfd_kills = calls_of(records, "pidfd_send_signal");
  ASSERT_EQ(pidfd_kills.size(), 1u);
  EXPECT_EQ(pidfd_kills[0]["signal"], SIGKILL);
  EXPECT_EQ(pidfd_kills[0]["target_pid"], third.pid()) << pidfd_kills[0].dump();
}

TEST_F(RecordParityTest, PtraceNamesTheTracedProcess) {
  C2AUDIT_REQUIRE_ROOT();
  start("[[objective]]\nname = \"ptrace\"\nclasses = [\"admin.ptrace\"]\n");
  Sleeper traced;
  ASSERT_EQ(ptrace(PTRACE_ATTACH, traced.pid(), nullptr, nullptr), 0);
  int status = 0;
  ASSERT_EQ(waitpid(traced.pid(), &status, 0), traced.pid());
  ASSERT_EQ(ptrace(PTRACE_DETACH, traced.pid(), nullptr, nullptr), 0);

  auto calls = calls_of(stop_and_search(), "ptrace");
  ASSERT_EQ(calls.size(), 2u);
  for (const auto& r : calls) {
    EXPECT_EQ(r["target_pid"], traced.pid()) << r.dump();
    EXPECT_EQ(r["class"], "admin.ptrace") << r.dump();
  }
}

TEST_F(RecordParityTest, DeleteModuleNamesTheModule) {
  C2AUDIT_REQUIRE_ROOT();
  start("[[objective]]\nname = \"modules\"\nclasses = [\"admin.module\"]\n");
  const std::string name = "c2audit_no_such_module_" + std::to_string(getpid());
  // None such: ENOENT, or ENOSYS on a kernel that cannot unload modules.
  ASSERT_EQ(syscall(SYS_delete_module, name.c_str(), O_NONBLOCK), -1);

  auto calls = calls_of(stop_and_search(), "delete_module");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["module"], name) << calls[0].dump();
  EXPECT_EQ(calls[0]["result"], "failure") << calls[0].dump();
  EXPECT_FALSE(calls[0].contains("path")) << "a module name is not a file";
}

// What a time change would set. The calls name a clock that does not exist
// (or an invalid microsecond count), so the kernel refuses them and the
// host's time is never touched; the record still says what was asked.
TEST_F(RecordParityTest, TimeChangesSayWhatTheySet) {
  C2AUDIT_REQUIRE_ROOT();
  start("[[objective]]\nname = \"time\"\nclasses = [\"admin.time\"]\n");
  constexpr clockid_t kNoSuchClock = 4242;
  timespec ts{1'234'567'890, 5};
  ASSERT_EQ(syscall(SYS_clock_settime, kNoSuchClock, &ts), -1);
  timeval tv{1'234'567'890, 1'000'000};  // tv_usec out of range: EINVAL
  ASSERT_EQ(syscall(SYS_settimeofday, &tv, nullptr), -1);
  timex tx{};
  tx.modes = ADJ_SETOFFSET | ADJ_NANO;
  tx.time.tv_sec = 2;
  tx.time.tv_usec = 500;  // nanoseconds, with ADJ_NANO
  ASSERT_EQ(syscall(SYS_clock_adjtime, kNoSuchClock, &tx), -1);

  auto records = stop_and_search();
  auto set = calls_of(records, "clock_settime");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0]["new_time"], "2009-02-13T23:31:30.000000005Z") << set[0].dump();
  EXPECT_EQ(set[0]["clock"], kNoSuchClock);
  auto settimeofday = calls_of(records, "settimeofday");
  ASSERT_EQ(settimeofday.size(), 1u);
  EXPECT_EQ(settimeofday[0]["new_time"], "2009-02-13T23:31:31.000000000Z") << settimeofday[0].dump();
  auto adjust = calls_of(records, "clock_adjtime");
  ASSERT_EQ(adjust.size(), 1u);
  EXPECT_EQ(adjust[0]["adjustment"], "modes=0x2100 setoffset_ns=2000000500") << adjust[0].dump();
  EXPECT_EQ(adjust[0]["clock"], kNoSuchClock);
}

// Connects a new socket of `family` to `address`; the result does not matter.
void try_connect(int family, const sockaddr* address, socklen_t length) {
  int fd = socket(family, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  connect(fd, address, length);
  close(fd);
}

// The object's type, permissions and owner come with the record, as in
// kernel audit's PATH record, and objectives select by them, by session,
// process group, address family, and by one id compared with another
// (auditd's -C).
TEST_F(RecordParityTest, ObjectivesSelectByObjectSessionFamilyAndComparison) {
  C2AUDIT_REQUIRE_ROOT();
  auto files = dir_.path() / "files";
  std::filesystem::create_directories(files / "subdir");
  std::ofstream(files / "roots") << "x";
  std::ofstream(files / "someone-elses") << "x";
  ASSERT_EQ(chown((files / "someone-elses").c_str(), 4321, 4322), 0);
  uint32_t session = 0;
  std::ifstream("/proc/self/sessionid") >> session;
  std::string under = (files / "**").native();
  start("[[objective]]\nname = \"dirs\"\nevents = [\"openat\"]\npaths = [\"" + under +
        "\"]\nfile_types = [\"dir\"]\n"
        "[[objective]]\nname = \"not-mine\"\nevents = [\"openat\"]\npaths = [\"" + under +
        "\"]\ncompare = [\"uid != obj_uid\"]\n"
        "[[objective]]\nname = \"inet-only\"\nevents = [\"connect\"]\nfamilies = [\"inet\"]\n"
        "sessions = [" + std::to_string(session) + "]\nprocess_groups = [" +
        std::to_string(getpgrp()) + "]\n");
  for (const char* name : {"subdir", "roots", "someone-elses"}) {
    int fd = open((files / name).c_str(), O_RDONLY);
    ASSERT_GE(fd, 0) << name;
    close(fd);
  }
  sockaddr_in inet{};
  inet.sin_family = AF_INET;
  inet.sin_port = htons(9);  // discard: nothing listens, the refusal is recorded
  inet.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  try_connect(AF_INET, reinterpret_cast<sockaddr*>(&inet), sizeof inet);
  sockaddr_un unix_address{};
  unix_address.sun_family = AF_UNIX;
  std::string socket_path = (dir_.path() / "nobody.sock").native();
  std::strncpy(unix_address.sun_path, socket_path.c_str(), sizeof unix_address.sun_path - 1);
  try_connect(AF_UNIX, reinterpret_cast<sockaddr*>(&unix_address), sizeof unix_address);

  std::map<std::string, std::string> decided;  // path or family: objective
  for (const auto& r : stop_and_search()) {
    if (r.value("pid", 0) != getpid()) continue;
    if (r["event"] == "connect") decided[r.value("family", "?")] = r["objective"];
    if (r["event"] != "openat") continue;
    decided[r["path"]] = r["objective"];
    struct stat st {};
    ASSERT_EQ(stat(r["path"].get<std::string>().c_str(), &st), 0);
    EXPECT_EQ(r["obj_mode"], st.st_mode) << r.dump();
    EXPECT_EQ(r["obj_uid"], st.st_uid) << r.dump();
    EXPECT_EQ(r["obj_gid"], st.st_gid) << r.dump();
    EXPECT_EQ(r["pgid"], getpgrp()) << r.dump();
  }
  EXPECT_EQ(decided, (std::map<std::string, std::string>{
                         {(files / "subdir").native(), "dirs"},
                         {(files / "someone-elses").native(), "not-mine"},
                         {"inet", "inet-only"}}));
}

}  // namespace
}  // namespace c2audit::test
