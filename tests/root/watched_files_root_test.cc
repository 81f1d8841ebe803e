// Watched files by identity: an objective naming a file selects what is done
// to that file through any other name (a hard link), follows the file when
// it is replaced (a new inode renamed over it, as passwd does), and stops
// selecting the file it replaced.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace c2audit::test {
namespace {

class WatchedFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    root_ = std::filesystem::canonical(dir_.path());
    secret_ = root_ / "etc" / "secret";
    std::filesystem::create_directories(secret_.parent_path());
    std::filesystem::create_directories(root_ / "tmp");
    std::filesystem::create_directories(root_ / "objectives");
    std::ofstream(secret_) << "first\n";
    std::ofstream(root_ / "objectives" / "10-secret.toml")
        << "[[objective]]\nname = \"secret\"\nevents = [\"openat\", \"fchmod\"]\n"
        << "paths = [\"" << secret_.native() << "\"]\n";
    daemon_ = std::make_unique<DaemonProcess>(
        root_ / "trail", root_ / "control.sock",
        std::vector<std::string>{"--objectives", (root_ / "objectives").native()});
    ASSERT_TRUE(daemon_->ready()) << "see " << daemon_->stderr_path();
  }

  // This process's records of `event` on `path` (by the name it used).
  std::vector<nlohmann::json> records_on(const std::filesystem::path& path,
                                         const std::string& event = "openat") {
    std::vector<nlohmann::json> out;
    for (auto& rec : search_json(root_ / "trail", {"--pid", std::to_string(getpid())})) {
      if (rec.value("event", "") == event && rec.value("path", "") == path.native()) {
        out.push_back(std::move(rec));
      }
    }
    return out;
  }

  static uint64_t inode_of(const std::filesystem::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_ino;
  }

  static void read_through(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << path;
    ::close(fd);
  }

  TempDir dir_;
  std::filesystem::path root_, secret_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(WatchedFilesTest, AReadThroughAHardLinkIsSelectedByTheWatchedPath) {
  auto link = root_ / "tmp" / "x";
  auto unrelated = root_ / "tmp" / "plain";
  std::filesystem::create_hard_link(secret_, link);
  std::ofstream(unrelated) << "plain\n";
  read_through(link);
  read_through(unrelated);
  int fd = ::open(link.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::fchmod(fd, 0600), 0);  // changes the watched file, by an fd of its other name
  ::close(fd);
  ASSERT_EQ(daemon_->stop(), 0);

  auto reads = records_on(link);
  ASSERT_EQ(reads.size(), 2u) << "the two opens through the link";
  EXPECT_EQ(reads[0].value("watched_path", ""), secret_.native());
  EXPECT_EQ(reads[0].value("objective", ""), "secret");
  EXPECT_EQ(reads[0]["inode"].get<uint64_t>(), inode_of(secret_));
  auto chmods = records_on(link, "fchmod");
  ASSERT_EQ(chmods.size(), 1u);
  EXPECT_EQ(chmods[0].value("watched_path", ""), secret_.native());
  EXPECT_TRUE(records_on(unrelated).empty()) << "a file the objective does not name";
  // Search by the watched path finds what was done to it by any name.
  auto by_watched = search_json(root_ / "trail", {"--path", secret_.native()});
  EXPECT_EQ(by_watched.size(), 3u);
}

TEST_F(WatchedFilesTest, AReplacedFileIsFollowedToItsNewIdentity) {
  auto old_link = root_ / "tmp" / "old";
  std::filesystem::create_hard_link(secret_, old_link);
  auto next = root_ / "etc" / "secret.new";
  std::ofstream(next) << "second\n";
  std::filesystem::rename(next, secret_);  // the watched name is now another file
  auto new_link = root_ / "tmp" / "new";
  std::filesystem::create_hard_link(secret_, new_link);
  // The daemon follows within its loop period (100 ms); a loaded machine may
  // take longer: read until a read is selected, or 5 s.
  for (int attempt = 0; attempt < 50 && records_on(new_link).empty(); ++attempt) {
    read_through(new_link);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  read_through(old_link);  // the file that was replaced: no longer watched
  ASSERT_EQ(daemon_->stop(), 0);

  auto reads = records_on(new_link);
  ASSERT_FALSE(reads.empty()) << "reads of the new file by another name were not selected";
  EXPECT_EQ(reads.back().value("watched_path", ""), secret_.native());
  EXPECT_EQ(reads.back()["inode"].get<uint64_t>(), inode_of(secret_));
  EXPECT_TRUE(records_on(old_link).empty()) << "the replaced file is still watched";
}

}  // namespace
}  // namespace c2audit::test
