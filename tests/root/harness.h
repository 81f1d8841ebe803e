// Test harness for the root tests: runs the real c2auditd, c2audit and
// workload binaries built beside the tests, on temporary directories.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace c2audit::test {

// Skips (or, with C2AUDIT_REQUIRE_ROOT_TESTS=1 as in CI, fails) when not root.
#define C2AUDIT_REQUIRE_ROOT()                                                   \
  do {                                                                           \
    if (::geteuid() != 0) {                                                      \
      if (std::getenv("C2AUDIT_REQUIRE_ROOT_TESTS")) FAIL() << "needs root";     \
      GTEST_SKIP() << "needs root and BPF";                                      \
    }                                                                            \
  } while (0)

// A fresh directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  explicit TempDir(const std::filesystem::path& base);  // under `base`, not $TMPDIR
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs argv to completion, capturing stdout and stderr.
ProcessResult run_process(const std::vector<std::string>& argv);

// A process running in the background until finish(); killed and reaped on
// destruction if the test ends before.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // Waits for it to end.
  ProcessResult finish();
  pid_t pid() const { return pid_; }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
};

// A c2auditd started on its own trail and control socket; stopped (SIGTERM)
// on destruction if still running.
class DaemonProcess {
 public:
  // `wrapper` runs c2auditd (e.g. setpriv dropping a capability) and must
  // exec it, so that the pid is c2auditd's.
  DaemonProcess(const std::filesystem::path& trail, const std::filesystem::path& socket,
                std::vector<std::string> extra_args = {"--all"},
                std::vector<std::string> wrapper = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool ready() const { return ready_; }
  // SIGTERM and wait; returns the exit status (-1 if it died by a signal).
  int stop();
  // SIGKILL and wait: a crash.
  void kill_hard();
  const std::string& stderr_path() const { return stderr_path_; }

 private:
  pid_t pid_ = -1;
  bool ready_ = false;
  std::string stderr_path_;
};

std::string c2auditd_path();
std::string c2audit_path();
std::string workload_path();
std::string load_path();  // c2audit-load
std::string storm_path();
std::string ia32_call_path();  // c2audit-ia32-call
std::string uring_open_path();  // c2audit-uring-open

// One run of c2auditd (--all, one consumer) on `trail` that records the
// commands given and stops: its last segment sealed, the seal logged.
void sealed_run(const std::filesystem::path& trail, const std::filesystem::path& socket,
                const std::vector<std::vector<std::string>>& commands = {{"/usr/bin/cat",
                                                                         "/etc/hostname"}});

// `c2audit search --trail DIR --json <extra>`, parsed; fails the test on error.
std::vector<nlohmann::json> search_json(const std::filesystem::path& trail,
                                        const std::vector<std::string>& extra = {});

// The order `search` promises (trail_reader.h): records in time order, each
// seq used once (a trail of several streams interleaves their seqs).
void expect_time_order_and_unique_seqs(const std::vector<nlohmann::json>& records);

// Parses JSON lines (e.g. the workload's expectations).
std::vector<nlohmann::json> parse_json_lines(const std::string& text);

}  // namespace c2audit::test
