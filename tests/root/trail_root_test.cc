// The protected trail under real conditions: kill -9 in the middle of a
// write storm, and a small file system filled until space_left and each
// disk_full action fire. After each, `c2audit verify` must be satisfied and
// the trail must say what happened.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "collector.h"
#include "harness.h"

namespace c2audit::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kWaitLimit = 60s;

// A child that opens one file as fast as it can: thousands of records a second.
class WriteStorm {
 public:
  explicit WriteStorm(const fs::path& file) {
    std::ofstream(file) << "x";
    pid_ = fork();
    if (pid_ == 0) {
      for (;;) {
        int fd = ::open(file.c_str(), O_RDONLY);
        if (fd >= 0) ::close(fd);
      }
    }
  }
  ~WriteStorm() { stop(); }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// A tmpfs of `size` mounted on `dir` for the test's lifetime.
class SmallFilesystem {
 public:
  SmallFilesystem(const fs::path& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir);
    std::string options = "size=" + size + ",mode=0700";
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
};

ProcessResult verify(const fs::path& trail) {
  return run_process(
      {c2audit_path(), "verify", "--trail", trail.native(), "--key-file", trail.native() + ".key",
       "--seal-log", trail.native() + ".seals"});
}

std::vector<std::string> daemon_messages(const fs::path& trail) {
  std::vector<std::string> out;
  auto r = run_process(
      {c2audit_path(), "search", "--trail", trail.native(), "--json", "--event", "daemon"});
  for (const auto& rec : parse_json_lines(r.out)) out.push_back(rec.value("message", ""));
  return out;
}

size_t count_containing(const std::vector<std::string>& messages, const std::string& text) {
  size_t n = 0;
  for (const auto& m : messages) n += m.find(text) != std::string::npos;
  return n;
}

// Polls the trail until a daemon record contains `text`.
bool wait_for_message(const fs::path& trail, const std::string& text) {
  auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (count_containing(daemon_messages(trail), text)) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

void fill(const fs::path& file, size_t mib) {
  std::ofstream out(file, std::ios::binary);
  std::string chunk(1 << 20, 'f');
  for (size_t i = 0; i < mib; ++i) out << chunk;
}

class TrailCrashTest : public testing::TestWithParam<std::string> {};

TEST_P(TrailCrashTest, KillNineDuringWriteStormThenRestartVerifiesClean) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  {
    DaemonProcess daemon(trail, dir.path() / "a.sock",
                         {"--all", "--segment-size", "1", "--flush", GetParam()});
    ASSERT_TRUE(daemon.ready());
    WriteStorm storm(dir.path() / "storm");
    std::this_thread::sleep_for(1500ms);
    daemon.kill_hard();
  }
  auto crashed = verify(trail);
  EXPECT_EQ(crashed.exit_code, 4) << crashed.out << crashed.err;
  EXPECT_NE(crashed.out.find("crashed tail"), std::string::npos) << crashed.out;
  {
    DaemonProcess daemon(trail, dir.path() / "b.sock");
    ASSERT_TRUE(daemon.ready());
    ASSERT_EQ(daemon.stop(), 0);
  }
  auto clean = verify(trail);
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("clean:"), std::string::npos) << clean.out;
  auto messages = daemon_messages(trail);
  EXPECT_EQ(count_containing(messages, "previous run ended without a clean stop"), 1u);
}

INSTANTIATE_TEST_SUITE_P(FlushPolicies, TrailCrashTest,
                         testing::Values("batch", "interval", "sync"));

struct DiskRun {
  TempDir dir;
  fs::path mount_point = dir.path() / "fs";
  SmallFilesystem small{mount_point, "12m"};
  fs::path trail = mount_point / "trail";
  fs::path filler = mount_point / "filler";
};

constexpr size_t kDiskTestStreams = 2;

// Suspend and halt run with two consumers: each writes a stream of its own,
// and each stream's keeper acts on the disk's state by itself (and says so,
// once). rotate-oldest runs with the default consumers, which it makes one
// (a stream cannot yet remove another's segments: docs/trail.md).
std::vector<std::string> disk_flags(const std::string& action,
                                    std::vector<std::string> extra = {}) {
  std::vector<std::string> flags = {"--all",         "--segment-size", "1", "--no-compress",
                                    "--space-left",  "4",              "--disk-reserve", "1",
                                    "--disk-full-action", action};
  if (action != "rotate-oldest") {
    flags.insert(flags.end(), {"--consumers", std::to_string(kDiskTestStreams)});
  }
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

TEST(TrailDiskTest, SuspendCountsWhatIsNotKeptAndResumes) {
  C2AUDIT_REQUIRE_ROOT();
  DiskRun run;
  ASSERT_TRUE(run.small.mounted());
  fill(run.filler, 6);
  auto warned = run.dir.path() / "space-left-ran";
  DaemonProcess daemon(
      run.trail, run.dir.path() / "c.sock",
      disk_flags("suspend", {"--space-left-action", "exec:touch " + warned.native()}));
  ASSERT_TRUE(daemon.ready());
  {
    WriteStorm storm(run.dir.path() / "storm");
    ASSERT_TRUE(wait_for_message(run.trail, "recording suspended"));
    std::this_thread::sleep_for(500ms);  // events arrive while suspended
    fs::remove(run.filler);
    ASSERT_TRUE(wait_for_message(run.trail, "recording resumed"));
  }
  ASSERT_EQ(daemon.stop(), 0);
  auto messages = daemon_messages(run.trail);
  EXPECT_GE(count_containing(messages, "space_left:"), 1u);
  EXPECT_GE(count_containing(messages, "action exec: ran 'touch"), 1u);
  // The action runs in the background (the daemon never waits for it).
  for (int i = 0; i < 100 && !fs::exists(warned); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(fs::exists(warned));
  // --all records the whole host: the freed room may fill up again before the
  // storm ends, so the disk may be full more than once; each time is recorded.
  EXPECT_GE(count_containing(messages, "disk_full:"), 1u);
  EXPECT_GE(count_containing(messages, "recording resumed"), 1u);
  std::string resumed;
  for (const auto& m : messages) {
    if (m.find("recording resumed") != std::string::npos) resumed = m;
  }
  unsigned long not_kept = 0;
  auto at = resumed.find("; ");
  ASSERT_NE(at, std::string::npos) << resumed;
  ASSERT_EQ(std::sscanf(resumed.c_str() + at, "; %lu records were not kept", &not_kept), 1)
      << resumed;
  EXPECT_GT(not_kept, 0u) << resumed;
  auto v = verify(run.trail);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(TrailDiskTest, RotateOldestRemovesOnlyWithARecordAndVerifyAgrees) {
  C2AUDIT_REQUIRE_ROOT();
  DiskRun run;
  ASSERT_TRUE(run.small.mounted());
  fill(run.filler, 4);
  DaemonProcess daemon(run.trail, run.dir.path() / "c.sock", disk_flags("rotate-oldest"));
  ASSERT_TRUE(daemon.ready());
  {
    WriteStorm storm(run.dir.path() / "storm");
    ASSERT_TRUE(wait_for_message(run.trail, "disk_full rotate-oldest"));
  }
  ASSERT_EQ(daemon.stop(), 0);
  // (The space_left record may itself have been in a removed segment.)
  auto messages = daemon_messages(run.trail);
  size_t removals = 0;
  for (const auto& m : messages) {
    if (!m.starts_with("removed segment-")) continue;
    ++removals;
    std::string file = m.substr(std::string("removed ").size(), m.find(' ', 8) - 8);
    EXPECT_FALSE(fs::exists(run.trail / file)) << file;
  }
  EXPECT_GE(removals, 1u);
  EXPECT_EQ(count_containing(messages, "recording suspended"), 0u);
  auto v = verify(run.trail);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("removed by retention"), std::string::npos) << v.out;
}

// With the collector down while rotate-oldest removes segments, each removal
// says which seqs never left the host; once the collector is back it is
// told so too, in those same records.
TEST(TrailDiskTest, RotateOldestSaysWhichRecordsNeverReachedTheCollector) {
  C2AUDIT_REQUIRE_ROOT();
  DiskRun run;
  ASSERT_TRUE(run.small.mounted());
  TempDir elsewhere;
  TestCertificates certs = make_test_certificates(elsewhere.path());
  Collector collector(elsewhere.path() / "collector", certs);  // not started yet: down
  std::vector<std::string> forward = {"--forward", collector.url(), "--forward-ca", certs.ca.native()};
  fill(run.filler, 4);
  {
    DaemonProcess daemon(run.trail, run.dir.path() / "c.sock", disk_flags("rotate-oldest", forward));
    ASSERT_TRUE(daemon.ready());
    WriteStorm storm(run.dir.path() / "storm");
    ASSERT_TRUE(wait_for_message(run.trail, "disk_full rotate-oldest"));
    storm.stop();
    ASSERT_EQ(daemon.stop(), 0);
  }
  auto messages = daemon_messages(run.trail);
  std::vector<std::string> undelivered;
  for (const auto& m : messages) {
    if (!m.starts_with("undelivered: ")) continue;
    undelivered.push_back(m);
    unsigned long first = 0, last = 0;
    ASSERT_EQ(std::sscanf(m.c_str(), "undelivered: seq %lu-%lu", &first, &last), 2) << m;
    EXPECT_LE(first, last) << m;
    EXPECT_NE(m.find("never reached " + collector.url()), std::string::npos) << m;
    EXPECT_NE(m.find(collector.url()), std::string::npos) << m;
  }
  EXPECT_GE(undelivered.size(), 1u);
  EXPECT_GE(count_containing(messages, "removed segment-"), 1u);
  EXPECT_EQ(verify(run.trail).exit_code, 0);

  // Back: the collector gets the trail that is left, those records with it.
  fs::remove(run.filler);
  collector.start();
  DaemonProcess daemon(run.trail, run.dir.path() / "c.sock", disk_flags("rotate-oldest", forward));
  ASSERT_TRUE(daemon.ready());
  auto told = [&] {
    for (const auto& rec : collector.records()) {
      if (rec.value("message", "") == undelivered.back()) return true;
    }
    return false;
  };
  for (int i = 0; i < 600 && !told(); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(told()) << "the collector was not told: " << undelivered.back();
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(TrailDiskTest, RotateOldestNeverCrossesTheRetentionFloor) {
  C2AUDIT_REQUIRE_ROOT();
  DiskRun run;
  ASSERT_TRUE(run.small.mounted());
  fill(run.filler, 6);
  DaemonProcess daemon(run.trail, run.dir.path() / "c.sock",
                       disk_flags("rotate-oldest", {"--retain-age", "1d"}));
  ASSERT_TRUE(daemon.ready());
  {
    WriteStorm storm(run.dir.path() / "storm");
    ASSERT_TRUE(wait_for_message(run.trail, "recording suspended"));
  }
  ASSERT_EQ(daemon.stop(), 0);
  auto messages = daemon_messages(run.trail);
  EXPECT_EQ(count_containing(messages, "removed segment-"), 0u);
  EXPECT_EQ(count_containing(messages, "past the retention floor"), 1u);
  // Stopped while still suspended: the count is recorded on the way out.
  EXPECT_EQ(count_containing(messages, "stopping while recording is suspended"), 1u);
  auto v = verify(run.trail);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(TrailDiskTest, HaltSealsAndStopsTheDaemon) {
  C2AUDIT_REQUIRE_ROOT();
  DiskRun run;
  ASSERT_TRUE(run.small.mounted());
  fill(run.filler, 6);
  DaemonProcess daemon(run.trail, run.dir.path() / "c.sock", disk_flags("halt"));
  ASSERT_TRUE(daemon.ready());
  {
    WriteStorm storm(run.dir.path() / "storm");
    ASSERT_TRUE(wait_for_message(run.trail, "action halt"));
  }
  EXPECT_EQ(daemon.stop(), 1);  // it stopped itself; this collects its status
  std::ifstream err(daemon.stderr_path());
  std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("disk_full action halt"), std::string::npos) << text;
  auto v = verify(run.trail);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;  // sealed on the way out
}

fs::path newest_segment(const fs::path& trail) {
  fs::path newest;
  for (const auto& e : fs::directory_iterator(trail)) {
    if (e.path().native().find("segment-") != std::string::npos && e.path() > newest) {
      newest = e.path();
    }
  }
  return newest;
}

// What no chain shows, the seal log does: the seal cut off the last,
// cleanly sealed segment reads as a crash (4) without it, and removing the
// newest segments leaves a shorter trail that verifies clean. With it both
// are tampering (3), and the next start records it.
TEST(SealLogTest, ACutSealIsTamperingNotACrash) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  sealed_run(trail, dir.path() / "c.sock");
  fs::path last = newest_segment(trail);
  ASSERT_EQ(last.extension(), ".c2a");
  auto size = fs::file_size(last);
  fs::resize_file(last, size - 40);  // into the seal frame
  auto without_log = run_process({c2audit_path(), "verify", "--trail", trail.native(),
                                  "--key-file", trail.native() + ".key", "--seal-log",
                                  (dir.path() / "no-such.seals").native()});
  EXPECT_EQ(without_log.exit_code, 4) << without_log.out;
  auto with_log = verify(trail);
  EXPECT_EQ(with_log.exit_code, 3) << with_log.out;
  EXPECT_NE(with_log.out.find("seal log"), std::string::npos) << with_log.out;
  EXPECT_NE(with_log.out.find(last.filename().native()), std::string::npos) << with_log.out;
}

TEST(SealLogTest, RemovedNewestSegmentsAreTamperingAndTheNextStartSaysSo) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto trail = dir.path() / "trail";
  auto socket = dir.path() / "c.sock";
  sealed_run(trail, socket);
  fs::path first_run_last = newest_segment(trail);
  sealed_run(trail, socket);
  fs::path second_run_last = newest_segment(trail);
  ASSERT_NE(first_run_last, second_run_last);
  fs::remove(second_run_last);  // the whole second run: the rest is consistent
  auto checked = verify(trail);
  EXPECT_EQ(checked.exit_code, 3) << checked.out;
  EXPECT_NE(checked.out.find("not in the trail"), std::string::npos) << checked.out;

  sealed_run(trail, socket);
  int findings = 0;
  for (const auto& rec : search_json(trail, {"--event", "daemon"})) {
    std::string message = rec.value("message", "");
    if (message.starts_with("tampered: ") &&
        message.find(second_run_last.filename().native()) != std::string::npos) {
      ++findings;
    }
  }
  EXPECT_EQ(findings, 1) << "the start after the cut does not record it";
}

TEST(TrailFlagsTest, BadStorageFlagsAreNamed) {
  for (const auto& [flag, value] :
       std::vector<std::pair<std::string, std::string>>{{"--flush", "sometimes"},
                                                        {"--disk-full-action", "panic"},
                                                        {"--space-left-action", "email"},
                                                        {"--retain-age", "soon"}}) {
    auto r = run_process({c2auditd_path(), flag, value});
    EXPECT_EQ(r.exit_code, 2) << flag;
    EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(value), std::string::npos) << r.err;
  }
  TempDir dir;
  auto key = dir.path() / "key";
  std::ofstream(key) << "not a key";
  auto r = run_process(
      {c2audit_path(), "verify", "--trail", dir.path().native(), "--key-file", key.native()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(key.native()), std::string::npos) << r.err;
}

}  // namespace
}  // namespace c2audit::test
