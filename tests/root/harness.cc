#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "control/control_server.h"
#include "trail/append_only.h"

namespace c2audit::test {
namespace {

constexpr auto kReadyTimeout = std::chrono::seconds(30);
constexpr auto kReadyPoll = std::chrono::milliseconds(50);

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

// fork+exec with stdout/stderr sent to files; returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    auto args = c_argv(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TempDir::TempDir() : TempDir(std::filesystem::temp_directory_path()) {}

TempDir::TempDir(const std::filesystem::path& base) {
  std::string pattern = (base / "c2audit-test-XXXXXX").native();
  path_ = mkdtemp(pattern.data());
}

// c2auditd sets the append-only flag on its seal log and active segments:
// cleared first (root may), or the directory would stay behind.
TempDir::~TempDir() {
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(path_, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) clear_append_only(it->path());
  }
  std::filesystem::remove_all(path_, ec);
}

ProcessResult run_process(const std::vector<std::string>& argv) {
  TempDir tmp;
  auto out = (tmp.path() / "out").native();
  auto err = (tmp.path() / "err").native();
  ProcessResult result;
  result.exit_code = wait_exit(spawn(argv, out, err));
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv)
    : pid_(spawn(argv, (dir_.path() / "out").native(), (dir_.path() / "err").native())) {}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit(pid_);
}

ProcessResult BackgroundProcess::finish() {
  ProcessResult result;
  result.exit_code = wait_exit(pid_);
  pid_ = -1;
  result.out = slurp(dir_.path() / "out");
  result.err = slurp(dir_.path() / "err");
  return result;
}

DaemonProcess::DaemonProcess(const std::filesystem::path& trail,
                             const std::filesystem::path& socket,
                             std::vector<std::string> extra_args,
                             std::vector<std::string> wrapper) {
  stderr_path_ = trail.native() + ".stderr";
  // The host key and the seal log live beside the trail (never inside it),
  // not in /etc and /var/lib.
  std::vector<std::string> argv = {c2auditd_path(), "--trail", trail.native(),
                                   "--control-socket", socket.native(), "--quiet",
                                   "--key-file", trail.native() + ".key",
                                   "--seal-log", trail.native() + ".seals"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv.insert(argv.begin(), wrapper.begin(), wrapper.end());
  pid_ = spawn(argv, "/dev/null", stderr_path_);
  auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (control_request(socket, "status")) {
      ready_ = true;
      return;
    }
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {  // died during start
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(kReadyPoll);
  }
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) stop();
}

int DaemonProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int code = wait_exit(pid_);
  pid_ = -1;
  return code;
}

void DaemonProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit(pid_);
  pid_ = -1;
}

std::string c2auditd_path() { return C2AUDITD_PATH; }
std::string c2audit_path() { return C2AUDIT_PATH; }
std::string workload_path() { return WORKLOAD_PATH; }
std::string load_path() { return LOAD_PATH; }
std::string storm_path() { return STORM_PATH; }
std::string ia32_call_path() { return IA32_CALL_PATH; }
std::string uring_open_path() { return URING_OPEN_PATH; }

void expect_time_order_and_unique_seqs(const std::vector<nlohmann::json>& records) {
  std::set<uint64_t> seqs;
  std::string last_time;
  for (const auto& rec : records) {
    EXPECT_TRUE(seqs.insert(rec["seq"].get<uint64_t>()).second) << "seq used twice: " << rec.dump();
    std::string time = rec["time"];  // RFC 3339 with 9 fraction digits: compares as text
    EXPECT_GE(time, last_time) << rec.dump();
    last_time = time;
  }
}

std::vector<nlohmann::json> parse_json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

void sealed_run(const std::filesystem::path& trail, const std::filesystem::path& socket,
                const std::vector<std::vector<std::string>>& commands) {
  DaemonProcess daemon(trail, socket, {"--all", "--consumers", "1"});
  ASSERT_TRUE(daemon.ready()) << "see " << daemon.stderr_path();
  for (const auto& command : commands) run_process(command);
  ASSERT_EQ(daemon.stop(), 0);
}

std::vector<nlohmann::json> search_json(const std::filesystem::path& trail,
                                        const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {c2audit_path(), "search", "--trail", trail.native(), "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto result = run_process(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return parse_json_lines(result.out);
}

}  // namespace c2audit::test
