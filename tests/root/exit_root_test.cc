// The sensor records a call at its return: the record's time is when the call
// returned, and a successful exec (whose return is the new program's, with
// orig_ax reset to execve, or to the 32-bit execve for a 32-bit program) is
// still recorded as the call that was made.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>

#include "harness.h"
#include "objective_daemon.h"
#include "record/time_format.h"

namespace c2audit::test {
namespace {

using ExitTest = ObjectiveDaemonTest;

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The smallest 32-bit x86 program: one loadable segment whose code is
// exit(0) through int 0x80.
void write_i386_program(const std::filesystem::path& path) {
  constexpr uint32_t kBase = 0x08048000, kHeaders = 52 + 32;
  // mov eax, 1 (exit); xor ebx, ebx; int 0x80
  const uint8_t code[] = {0xb8, 1, 0, 0, 0, 0x31, 0xdb, 0xcd, 0x80};
  const uint32_t size = kHeaders + sizeof(code);
  std::string elf =
      "\x7f"
      "ELF\x01\x01\x01";  // 32-bit, little-endian, version 1
  elf.resize(16, '\0');
  auto put = [&elf](uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) elf.push_back(static_cast<char>(value >> (8 * i)));
  };
  put(2, 2), put(3, 2), put(1, 4);                  // ET_EXEC, EM_386, EV_CURRENT
  put(kBase + kHeaders, 4), put(52, 4), put(0, 4);  // entry, program headers, no sections
  put(0, 4), put(52, 2), put(32, 2), put(1, 2);     // flags, header size, one program header
  put(0, 2), put(0, 2), put(0, 2);
  put(1, 4), put(0, 4), put(kBase, 4), put(kBase, 4);     // PT_LOAD of the whole file
  put(size, 4), put(size, 4), put(5, 4), put(0x1000, 4);  // sizes, R+X, alignment
  elf.append(reinterpret_cast<const char*>(code), sizeof(code));
  std::ofstream(path, std::ios::binary) << elf;
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
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

TEST_F(ExitTest, ExecOfA32BitProgramIsRecorded) {
  C2AUDIT_REQUIRE_ROOT();
  auto program = dir_.path() / "tiny32";
  write_i386_program(program);
  start("[[objective]]\nname = \"execs\"\nevents = [\"execve\"]\n");
  std::string marker = "--c2audit-exit-test-" + std::to_string(getpid());

  pid_t child = fork();
  if (child == 0) {
    const char* argv[] = {program.c_str(), marker.c_str(), nullptr};
    execve(program.c_str(), const_cast<char* const*>(argv), environ);
    _exit(127);
  }
  ASSERT_EQ(wait_for(child), 0) << "the kernel ran no 32-bit program";

  int found = 0;
  for (const auto& r : stop_and_search()) {
    if (r.value("argv", nlohmann::json::array()).dump().find(marker) == std::string::npos) continue;
    ++found;
    EXPECT_EQ(r["event"], "execve") << r.dump();
    EXPECT_EQ(r["exe"], program.native()) << r.dump();
    EXPECT_EQ(r["result"], "success") << r.dump();
  }
  EXPECT_EQ(found, 1);
}

// An objective on the program that runs selects it by whatever name it was
// started: /bin/true on merged /usr, a symlink to it. The record keeps the
// name given (path) and the program the kernel ran (path2).
TEST_F(ExitTest, ExecThroughALinkIsSelectedByTheResolvedProgram) {
  C2AUDIT_REQUIRE_ROOT();
  auto real = std::filesystem::canonical("/usr/bin/true");
  auto link = dir_.path() / "innocent-name";
  std::filesystem::create_symlink(real, link);
  start("[[objective]]\nname = \"true\"\nevents = [\"execve\"]\npaths = [\"" + real.native() +
        "\"]\n");
  std::string marker = "--c2audit-link-test-" + std::to_string(getpid());
  std::vector<std::string> names = {link.native(), real.native()};
  if (std::filesystem::is_symlink("/bin")) names.push_back("/bin/true");  // merged /usr
  for (const auto& name : names) ASSERT_EQ(run_process({name, marker}).exit_code, 0) << name;

  std::set<std::string> seen;
  for (const auto& r : stop_and_search()) {
    if (r.value("argv", nlohmann::json::array()).dump().find(marker) == std::string::npos) continue;
    seen.insert(r["path"].get<std::string>());
    std::string program = r.contains("path2") ? r["path2"].get<std::string>() : r["path"].get<std::string>();
    EXPECT_EQ(program, real.native()) << r.dump();
    EXPECT_EQ(r["exe"], real.native()) << r.dump();
  }
  EXPECT_EQ(seen, std::set<std::string>(names.begin(), names.end()));
}

// A fileless exec (memfd + execveat AT_EMPTY_PATH) says what ran:
// "memfd:NAME", no leading '/', as the program and its executable, so that
// an objective can select it (paths or programs = ["memfd:*"]).
TEST_F(ExitTest, FilelessExecSaysItRanAMemfd) {
  C2AUDIT_REQUIRE_ROOT();
  start("[[objective]]\nname = \"fileless\"\nevents = [\"execveat\"]\nprograms = [\"memfd:*\"]\n");
  std::string marker = "--c2audit-memfd-test-" + std::to_string(getpid());
  pid_t child = fork();
  if (child == 0) {
    int fd = static_cast<int>(syscall(SYS_memfd_create, "c2audit-payload", 0));
    std::ifstream program("/usr/bin/true", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(program)), std::istreambuf_iterator<char>());
    if (fd < 0 || write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      _exit(126);
    }
    const char* argv[] = {"payload", marker.c_str(), nullptr};
    syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
    _exit(127);
  }
  ASSERT_EQ(wait_for(child), 0);
  int found = 0;
  for (const auto& r : stop_and_search()) {
    if (r.value("argv", nlohmann::json::array()).dump().find(marker) == std::string::npos) continue;
    ++found;
    EXPECT_EQ(r["event"], "execveat") << r.dump();
    EXPECT_EQ(r["exe"], "memfd:c2audit-payload") << r.dump();
    EXPECT_EQ(r["path"], "memfd:c2audit-payload") << r.dump();
    EXPECT_FALSE(r.contains("path_unresolved")) << r.dump();
  }
  EXPECT_EQ(found, 1);
}

}  // namespace
}  // namespace c2audit::test
