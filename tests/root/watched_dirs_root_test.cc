// Watched directory trees by identity: an objective on "<dir>/**" selects
// what is done under <dir> through a bind mount of it, or of a directory
// above it, whose names share nothing with the watched one; the record keeps
// the name the call used and says the watched name (watched_path).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "harness.h"

namespace c2audit::test {
namespace {

// A bind mount, detached when the test ends.
class BindMount {
 public:
  BindMount(const std::filesystem::path& source, const std::filesystem::path& target)
      : target_(target) {
    std::filesystem::create_directories(target);
    mounted_ = ::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) == 0;
  }
  ~BindMount() {
    if (mounted_) ::umount2(target_.c_str(), MNT_DETACH);
  }
  BindMount(const BindMount&) = delete;
  BindMount& operator=(const BindMount&) = delete;
  bool mounted() const { return mounted_; }

 private:
  std::filesystem::path target_;
  bool mounted_ = false;
};

class WatchedDirsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    root_ = std::filesystem::canonical(dir_.path());
    tree_ = root_ / "etc";
    std::filesystem::create_directories(tree_ / "sub");
    std::filesystem::create_directories(root_ / "other");
    std::filesystem::create_directories(root_ / "objectives");
    std::ofstream(tree_ / "sub" / "f") << "watched\n";
    std::ofstream(root_ / "other" / "g") << "not watched\n";
    std::ofstream(root_ / "objectives" / "10-tree.toml")
        << "[[objective]]\nname = \"tree\"\nevents = [\"openat\"]\n"
        << "paths = [\"" << tree_.native() << "/**\"]\n";
    daemon_ = std::make_unique<DaemonProcess>(
        root_ / "trail", root_ / "control.sock",
        std::vector<std::string>{"--objectives", (root_ / "objectives").native()});
    ASSERT_TRUE(daemon_->ready()) << "see " << daemon_->stderr_path();
  }

  // This process's openat records of `path` (by the name it used).
  std::vector<nlohmann::json> opens_of(const std::filesystem::path& path) {
    std::vector<nlohmann::json> out;
    for (auto& rec : search_json(root_ / "trail", {"--pid", std::to_string(getpid())})) {
      if (rec.value("event", "") == "openat" && rec.value("path", "") == path.native()) {
        out.push_back(std::move(rec));
      }
    }
    return out;
  }

  static void read_through(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << path;
    ::close(fd);
  }

  TempDir dir_;
  std::filesystem::path root_, tree_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(WatchedDirsTest, AReadThroughABindMountOfTheTreeIsSelectedByItsWatchedName) {
  BindMount bound(tree_, root_ / "mnt" / "tree");
  ASSERT_TRUE(bound.mounted()) << "mount --bind: " << std::strerror(errno);
  auto through_bind = root_ / "mnt" / "tree" / "sub" / "f";
  read_through(through_bind);
  read_through(tree_ / "sub" / "f");  // by its own name: selected by the path alone
  ASSERT_EQ(daemon_->stop(), 0);

  auto reads = opens_of(through_bind);
  ASSERT_EQ(reads.size(), 1u) << "the read through the bind mount was not selected";
  EXPECT_EQ(reads[0].value("watched_path", ""), (tree_ / "sub" / "f").native());
  EXPECT_EQ(reads[0].value("objective", ""), "tree");
  auto direct = opens_of(tree_ / "sub" / "f");
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_FALSE(direct[0].contains("watched_path")) << direct[0].dump();
  // Search by the watched name finds both.
  auto by_watched = search_json(root_ / "trail", {"--pid", std::to_string(getpid()), "--path",
                                                  (tree_ / "sub" / "f").native()});
  EXPECT_EQ(by_watched.size(), 2u);
}

// The mount's root lies inside the tree: the record's name within the tree
// is walked up past that root, by parents alone, to the watched directory.
TEST_F(WatchedDirsTest, AReadThroughABindMountOfADirectoryInsideTheTreeIsSelected) {
  BindMount bound(tree_ / "sub", root_ / "mnt" / "sub");
  ASSERT_TRUE(bound.mounted()) << "mount --bind: " << std::strerror(errno);
  auto through_bind = root_ / "mnt" / "sub" / "f";
  read_through(through_bind);
  ASSERT_EQ(daemon_->stop(), 0);

  auto reads = opens_of(through_bind);
  ASSERT_EQ(reads.size(), 1u) << "the read through the bind mount was not selected";
  EXPECT_EQ(reads[0].value("watched_path", ""), (tree_ / "sub" / "f").native());
}

TEST_F(WatchedDirsTest, AReadThroughABindMountOfADirectoryAboveTheTreeIsSelected) {
  BindMount bound(root_, root_ / "mnt" / "all");
  ASSERT_TRUE(bound.mounted()) << "mount --bind: " << std::strerror(errno);
  auto under_tree = root_ / "mnt" / "all" / "etc" / "sub" / "f";
  auto outside_tree = root_ / "mnt" / "all" / "other" / "g";
  read_through(under_tree);
  read_through(outside_tree);
  ASSERT_EQ(daemon_->stop(), 0);

  auto reads = opens_of(under_tree);
  ASSERT_EQ(reads.size(), 1u) << "the read of the tree through a mount above it was not selected";
  EXPECT_EQ(reads[0].value("watched_path", ""), (tree_ / "sub" / "f").native());
  EXPECT_TRUE(opens_of(outside_tree).empty()) << "a file outside the watched tree";
}

}  // namespace
}  // namespace c2audit::test
