// The path gate: before walking an opened file's path, the sensor drops the
// open when the path's first component (the name under "/") begins none of
// the candidate objectives' path prefixes. It may only drop what the walked
// path and the file's identity would drop too. Shown here on the real kernel:
// first components of every length around the gate key's 8-byte words and
// its 24-byte end, a watched file through a hard link under another first
// component, paths deeper than the gate follows, and paths crossing mounts.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "c2audit/wire.h"
#include "harness.h"

namespace c2audit::test {
namespace {

// A directory directly under "/", removed with what it holds.
class TopDir {
 public:
  explicit TopDir(std::string name) : path_("/" + std::move(name)) {
    EXPECT_TRUE(std::filesystem::create_directory(path_)) << path_ << " already exists";
  }
  ~TopDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TopDir(const TopDir&) = delete;
  TopDir& operator=(const TopDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A first component `length` bytes long, unique to this process, ending in
// `last`: a watched one and its decoy differ only there.
std::string top_name(size_t length, char last) {
  std::string name = "g" + std::to_string(getpid() % 100000);
  name.resize(length - 1, '-');
  return name + last;
}

std::filesystem::path make_file(const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << "x\n";
  return path;
}

void read_through(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << path;
  ::close(fd);
}

class PathGateTest : public ::testing::Test {
 protected:
  void SetUp() override { C2AUDIT_REQUIRE_ROOT(); }

  // Runs a daemon with one objective reading `globs`, opens every file, and
  // returns the paths of this process's openat records.
  std::set<std::string> record_reads(const std::vector<std::string>& globs,
                                     const std::vector<std::filesystem::path>& files) {
    std::filesystem::create_directories(dir_.path() / "objectives");
    std::ofstream objectives(dir_.path() / "objectives" / "10-gate.toml");
    objectives << "[[objective]]\nname = \"gate\"\nclasses = [\"file.read\"]\npaths = [";
    for (size_t i = 0; i < globs.size(); ++i) objectives << (i ? ", " : "") << '"' << globs[i] << '"';
    objectives << "]\n";
    objectives.close();
    DaemonProcess daemon(dir_.path() / "trail", dir_.path() / "control.sock",
                         {"--objectives", (dir_.path() / "objectives").native()});
    EXPECT_TRUE(daemon.ready()) << "see " << daemon.stderr_path();
    for (const auto& file : files) read_through(file);
    EXPECT_EQ(daemon.stop(), 0);
    std::set<std::string> paths;
    for (auto& rec : search_json(dir_.path() / "trail", {"--pid", std::to_string(getpid())})) {
      if (rec.value("event", "") == "openat") paths.insert(rec.value("path", ""));
    }
    return paths;
  }

  TempDir dir_;
};

TEST_F(PathGateTest, FirstComponentsOfEveryLengthAreComparedWhole) {
  std::vector<std::unique_ptr<TopDir>> tops;
  std::vector<std::string> globs;
  std::vector<std::filesystem::path> watched, decoys;
  for (size_t length : {7, 8, 9, 15, 16, 17, 23, 24, 25, 40}) {
    auto top = tops.emplace_back(std::make_unique<TopDir>(top_name(length, 'w')))->path();
    auto decoy = tops.emplace_back(std::make_unique<TopDir>(top_name(length, 'v')))->path();
    globs.push_back(top.native() + "/d/**");
    watched.push_back(make_file(top / "d" / "f"));
    decoys.push_back(make_file(decoy / "d" / "f"));  // beyond 24 bytes: the walk decides
  }
  std::vector<std::filesystem::path> files = watched;
  files.insert(files.end(), decoys.begin(), decoys.end());
  auto recorded = record_reads(globs, files);
  for (const auto& file : watched) EXPECT_TRUE(recorded.contains(file.native())) << file;
  for (const auto& file : decoys) EXPECT_FALSE(recorded.contains(file.native())) << file;
}

// A literal path is also watched by identity: its hard link under another
// first component (the same file system: both under "/") is kept.
TEST_F(PathGateTest, AWatchedFileThroughAHardLinkUnderAnotherTopIsKept) {
  TopDir watched_top(top_name(12, 'w')), other_top(top_name(12, 'o'));
  auto secret = make_file(watched_top.path() / "secret");
  auto link = other_top.path() / "link";
  std::filesystem::create_hard_link(secret, link);
  auto plain = make_file(other_top.path() / "plain");
  auto recorded = record_reads({secret.native()}, {link, plain});
  EXPECT_TRUE(recorded.contains(link.native()));
  EXPECT_FALSE(recorded.contains(plain.native()));
}

// Deeper than the gate follows, the whole walk decides; a path crossing
// mounts (/dev/shm is a tmpfs on devtmpfs /dev) has its first component on
// the root file system ("dev").
TEST_F(PathGateTest, DeepPathsAndPathsAcrossMountsAreJudgedWhole) {
  TopDir top(top_name(12, 'w')), other(top_name(12, 'o'));
  std::filesystem::path steps;
  for (int i = 0; i < C2A_TOP_STEPS + 2; ++i) steps /= std::to_string(i);
  auto deep = make_file(top.path() / "deep" / steps / "f");
  auto deep_decoy = make_file(other.path() / "deep" / steps / "f");
  TempDir shm("/dev/shm");
  auto on_shm = make_file(shm.path() / "d" / "f");
  auto shm_decoy = make_file(shm.path() / "e" / "f");
  auto recorded = record_reads({top.path().native() + "/deep/**", shm.path().native() + "/d/**"},
                               {deep, deep_decoy, on_shm, shm_decoy});
  EXPECT_TRUE(recorded.contains(deep.native()));
  EXPECT_FALSE(recorded.contains(deep_decoy.native()));
  EXPECT_TRUE(recorded.contains(on_shm.native()));
  EXPECT_FALSE(recorded.contains(shm_decoy.native()));
}

}  // namespace
}  // namespace c2audit::test
