// The daemon's own behaviour: it never audits itself, serves status, keeps
// the sequence across a crash, and refuses bad input clearly.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "control/control_server.h"
#include "harness.h"

namespace c2audit::test {
namespace {

bool is_syscall_record(const nlohmann::json& rec) {
  const std::string event = rec.value("event", "");
  return event != "daemon" && event != "config" && event != "lost";
}

TEST(DaemonTest, DoesNotAuditItself) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  DaemonProcess daemon(trail, dir.path() / "control.sock");
  ASSERT_TRUE(daemon.ready());
  pid_t daemon_pid = daemon.pid();
  // Make the daemon accept, read and write: all of it covered syscalls.
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(control_request(dir.path() / "control.sock", "status"));
  auto other = run_process({"/usr/bin/cat", "/etc/hostname"});
  ASSERT_EQ(other.exit_code, 0);
  ASSERT_EQ(daemon.stop(), 0);

  auto records = search_json(trail);
  size_t own = 0, others = 0;
  for (const auto& rec : records) {
    if (!is_syscall_record(rec)) continue;
    if (rec.value("pid", 0) == daemon_pid) ++own;
    if (rec.value("path", "") == "/etc/hostname" && rec.value("comm", "") == "cat") ++others;
  }
  EXPECT_EQ(own, 0u);
  EXPECT_EQ(others, 1u);  // the sensor was live while the daemon was busy
}

// Who: a command run on a terminal carries that terminal's name, spelled as
// the kernel and auditd spell it (/dev/pts/3 is "pts3"). util-linux `script`
// gives it a pseudo-terminal, as an administrator's ssh session has.
TEST(DaemonTest, RecordsNameTheControllingTerminal) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  DaemonProcess daemon(trail, dir.path() / "control.sock");
  ASSERT_TRUE(daemon.ready());
  auto run = run_process({"/usr/bin/script", "-qec", "tty; cat /etc/hostname", "/dev/null"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(daemon.stop(), 0);
  std::string terminal = run.out.substr(0, run.out.find_first_of("\r\n"));
  ASSERT_EQ(terminal.rfind("/dev/pts/", 0), 0u) << run.out;
  size_t seen = 0;
  for (const auto& rec : search_json(trail)) {
    if (rec.value("path", "") != "/etc/hostname" || rec.value("comm", "") != "cat") continue;
    EXPECT_EQ(rec.value("tty", ""), "pts" + terminal.substr(9)) << rec.dump();
    ++seen;
  }
  EXPECT_EQ(seen, 1u);
}

TEST(DaemonTest, StatusReportsCountersOverTheControlSocket) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto socket = dir.path() / "control.sock";
  DaemonProcess daemon(dir.path() / "trail", socket);
  ASSERT_TRUE(daemon.ready());
  run_process({"/usr/bin/cat", "/etc/hostname"});
  auto status = run_process({c2audit_path(), "status", "--socket", socket.native(), "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  auto j = nlohmann::json::parse(status.out);
  EXPECT_EQ(j["pid"], daemon.pid());
  EXPECT_EQ(j["lost"], 0);
  EXPECT_GT(j["ring_bytes"].get<uint64_t>(), 0u);
  EXPECT_TRUE(j.contains("events_per_s"));
  EXPECT_TRUE(j.contains("ring_fill_percent"));
  auto human = run_process({c2audit_path(), "status", "--socket", socket.native()});
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("lost"), std::string::npos);
  EXPECT_EQ(std::filesystem::status(socket).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// The daemon must win CPU from audited processes that load every core.
TEST(DaemonTest, RunsWithItsPriorityBoost) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  DaemonProcess daemon(dir.path() / "trail", dir.path() / "control.sock");
  ASSERT_TRUE(daemon.ready());
  errno = 0;
  EXPECT_EQ(getpriority(PRIO_PROCESS, daemon.pid()), -10) << std::strerror(errno);
  EXPECT_EQ(daemon.stop(), 0);
}

// The verifier refuses a program past 1,000,000 instructions; the sensor
// keeps half of that in hand, so that a change which multiplies its states
// fails here, with the counts, rather than on a user's kernel.
TEST(DaemonTest, SaysWhatTheVerifierCheckedOfEachSensorProgram) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  DaemonProcess daemon(dir.path() / "trail", dir.path() / "control.sock");
  ASSERT_TRUE(daemon.ready());
  EXPECT_EQ(daemon.stop(), 0);
  std::ifstream err(daemon.stderr_path());
  std::string line, counts;
  const std::string prefix = "c2auditd: sensor programs, instructions verified: ";
  while (std::getline(err, line)) {
    if (line.starts_with(prefix)) counts = line.substr(prefix.size());
  }
  ASSERT_FALSE(counts.empty()) << "no verifier line in " << daemon.stderr_path();
  for (const char* program : {"on_sys_exit", "on_io_uring_complete", "on_exec"}) {
    auto at = counts.find(std::string(program) + " ");
    ASSERT_NE(at, std::string::npos) << program << " missing from: " << counts;
    long verified = std::stol(counts.substr(at + std::strlen(program) + 1));
    EXPECT_GT(verified, 0) << program;
    EXPECT_LT(verified, 500'000) << program << ": " << counts;
  }
}

TEST(DaemonTest, RestartAfterKillContinuesTheSequence) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  {
    DaemonProcess first(trail, dir.path() / "a.sock");
    ASSERT_TRUE(first.ready());
    run_process({"/usr/bin/cat", "/etc/hostname"});
    first.kill_hard();
  }
  auto before = search_json(trail);
  ASSERT_FALSE(before.empty());
  {
    DaemonProcess second(trail, dir.path() / "b.sock");
    ASSERT_TRUE(second.ready());
    run_process({"/usr/bin/cat", "/etc/hostname"});
    ASSERT_EQ(second.stop(), 0);
  }
  auto after = search_json(trail);
  ASSERT_GT(after.size(), before.size());
  expect_time_order_and_unique_seqs(after);
  uint64_t newest_before = 0;
  for (const auto& rec : before) newest_before = std::max<uint64_t>(newest_before, rec["seq"]);
  for (size_t i = before.size(); i < after.size(); ++i) {
    EXPECT_GT(after[i]["seq"].get<uint64_t>(), newest_before) << after[i].dump();
  }
  EXPECT_EQ(after[before.size()]["event"], "daemon");  // the restart says so
}

TEST(DaemonTest, SecondDaemonOnTheSameTrailIsRefused) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  DaemonProcess first(dir.path() / "trail", dir.path() / "a.sock");
  ASSERT_TRUE(first.ready());
  auto second = run_process({c2auditd_path(), "--trail", (dir.path() / "trail").native(),
                             "--control-socket", (dir.path() / "b.sock").native(), "--quiet",
                             "--key-file", (dir.path() / "trail.key").native(), "--seal-log",
                             (dir.path() / "b.seals").native()});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("another c2auditd"), std::string::npos) << second.err;
}

TEST(BadInputTest, UnknownFlagIsRejected) {
  auto r = run_process({c2auditd_path(), "--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such-flag"), std::string::npos) << r.err;
  auto range = run_process({c2auditd_path(), "--priority-boost", "30"});
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_NE(range.err.find("--priority-boost"), std::string::npos) << range.err;
  auto s = run_process({c2audit_path(), "search", "--no-such-flag"});
  EXPECT_EQ(s.exit_code, 2);
}

TEST(BadInputTest, UnusableTrailDirectoryIsNamed) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto file = dir.path() / "not-a-dir";
  std::ofstream(file) << "x";
  auto r = run_process({c2auditd_path(), "--trail", file.native(), "--control-socket",
                        (dir.path() / "c.sock").native(), "--quiet", "--key-file",
                        (dir.path() / "c.key").native(), "--seal-log",
                        (dir.path() / "c.seals").native()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(file.native()), std::string::npos) << r.err;
  auto s = run_process({c2audit_path(), "search", "--trail", (dir.path() / "missing").native()});
  EXPECT_NE(s.exit_code, 0);
  EXPECT_NE(s.err.find("missing"), std::string::npos) << s.err;
}

TEST(BadInputTest, WithoutRootTheDaemonSaysSo) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  pid_t pid = fork();
  if (pid == 0) {
    // Opened while still root: the build tree may sit where nobody cannot go.
    int binary = ::open(c2auditd_path().c_str(), O_RDONLY | O_CLOEXEC);
    if (binary < 0 || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) _exit(99);
    int null = ::open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);
    const char* argv[] = {"c2auditd", "--trail", "/tmp/c2audit-never", nullptr};
    fexecve(binary, const_cast<char* const*>(argv), environ);
    _exit(98);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_FALSE(std::filesystem::exists("/tmp/c2audit-never"));
}

TEST(BadInputTest, CorruptSegmentIsReportedWithFileAndOffset) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  {
    DaemonProcess daemon(trail, dir.path() / "c.sock");
    ASSERT_TRUE(daemon.ready());
    for (int i = 0; i < 5; ++i) run_process({"/usr/bin/cat", "/etc/hostname"});
    ASSERT_EQ(daemon.stop(), 0);
  }
  std::filesystem::path segment;
  for (const auto& e : std::filesystem::directory_iterator(trail)) {
    if (e.path().extension() == ".c2a") segment = e.path();
  }
  ASSERT_FALSE(segment.empty());
  auto size = std::filesystem::file_size(segment);
  // Inside the first record (the 88-byte header, its 8-byte frame header,
  // then the payload): frames follow it, so this is damage, not a torn tail.
  constexpr std::streamoff kInFirstRecord = 88 + 8 + 4;
  {
    std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(kInFirstRecord);
    char c = 0;
    f.read(&c, 1);
    f.seekp(kInFirstRecord);
    c = static_cast<char>(c ^ 0x5a);
    f.write(&c, 1);
  }
  auto r = run_process({c2audit_path(), "search", "--trail", trail.native()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(segment.filename().native()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;
  EXPECT_EQ(std::filesystem::file_size(segment), size);  // nothing rewritten
}

// Resource bombs an intruder plants in the trail: a .zst segment whose
// frame claims 1 TiB, and a sparse 1 TiB segment. search and verify end with
// an error naming the file (not SIGABRT from bad_alloc), and the daemon sets
// both aside and audits on.
TEST(BadInputTest, ResourceBombsAreErrorsAndTheDaemonSetsThemAside) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  auto socket = dir.path() / "c.sock";
  sealed_run(trail, socket, {});
  // RFC 8878: descriptor 0xE0 (8-byte content size, single segment), a
  // content size of 2^40, then one raw, last block of 16 bytes.
  std::string frame = {'\x28', '\xB5', '\x2F', '\xFD', '\xE0'};
  for (int i = 0; i < 8; ++i) frame.push_back(static_cast<char>((1ull << 40) >> (8 * i)));
  uint32_t block = 1 | (16 << 3);
  for (int i = 0; i < 3; ++i) frame.push_back(static_cast<char>(block >> (8 * i)));
  frame.append(16, 'x');
  auto claims = trail / "segment-00000000000000900000.c2a.zst";
  std::ofstream(claims, std::ios::binary) << frame;
  auto sparse = trail / "segment-00000000000000800000.c2a";
  std::ofstream(sparse, std::ios::binary) << "C2ATRAIL";
  std::filesystem::resize_file(sparse, 1ull << 40);

  auto search = run_process({c2audit_path(), "search", "--trail", trail.native()});
  auto verify =
      run_process({c2audit_path(), "verify", "--trail", trail.native(), "--key-file",
                   trail.native() + ".key", "--seal-log", trail.native() + ".seals"});
  for (const auto& r : {search, verify}) {
    EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 3) << "exit " << r.exit_code << r.out << r.err;
    EXPECT_NE((r.out + r.err).find("segment-00000000000000800000.c2a"), std::string::npos)
        << r.out << r.err;
  }

  sealed_run(trail, socket, {});  // a planted file must not stop it
  EXPECT_FALSE(std::filesystem::exists(claims));
  EXPECT_FALSE(std::filesystem::exists(sparse));
}

// Auditing must not stop for one bad file: a newest segment whose header is
// damaged and a directory under a segment's name are set aside into
// quarantine/, a daemon record says so, recording goes on, and verify
// reports the quarantine (exit 3) rather than a clean trail.
TEST(BadInputTest, DamagedNewestSegmentIsQuarantinedAndAuditingGoesOn) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  auto socket = dir.path() / "c.sock";
  sealed_run(trail, socket);
  std::filesystem::path newest;
  for (const auto& e : std::filesystem::directory_iterator(trail)) {
    if (e.path().extension() == ".c2a" && e.path() > newest) newest = e.path();
  }
  ASSERT_FALSE(newest.empty());
  {
    std::fstream f(newest, std::ios::in | std::ios::out | std::ios::binary);
    f.write("XXXXXXXX", 8);  // the magic
  }
  auto stray = trail / "segment-00000000000000999999.c2a";
  std::filesystem::create_directory(stray);

  auto marker = dir.path() / "after-quarantine";
  std::ofstream(marker) << "x";
  sealed_run(trail, socket, {{"/usr/bin/cat", marker.native()}});  // a damaged segment must not stop it
  EXPECT_FALSE(std::filesystem::exists(stray));
  int set_aside = 0;
  for (const auto& e : std::filesystem::directory_iterator(trail / "quarantine")) {
    std::string name = e.path().filename().native();
    if (name.ends_with(newest.filename().native()) || name.ends_with(stray.filename().native())) {
      ++set_aside;
    }
  }
  EXPECT_EQ(set_aside, 2);
  int quarantine_records = 0;
  for (const auto& rec : search_json(trail, {"--event", "daemon"})) {
    std::string message = rec.value("message", "");
    if (message.find("quarantined") != std::string::npos) ++quarantine_records;
  }
  EXPECT_EQ(quarantine_records, 2);
  EXPECT_FALSE(search_json(trail, {"--path", marker.native()}).empty()) << "auditing went on";
  auto verify = run_process(
      {c2audit_path(), "verify", "--trail", trail.native(), "--key-file", trail.native() + ".key",
       "--seal-log", trail.native() + ".seals"});
  EXPECT_EQ(verify.exit_code, 3) << verify.out << verify.err;
  EXPECT_NE((verify.out + verify.err).find("quarantine/"), std::string::npos)
      << verify.out << verify.err;
}

}  // namespace
}  // namespace c2audit::test
