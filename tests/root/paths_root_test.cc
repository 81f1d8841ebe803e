// Paths the sensor walks from the kernel's dentries: every component length,
// including the longest a file system allows, must come out byte for byte
// (the sensor copies names 8 bytes at a time); a file deeper than the walk
// goes is named by the path the caller gave.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "c2audit/wire.h"
#include "harness.h"

namespace c2audit::test {
namespace {

// Creates and opens each path while a daemon records, then collects this
// process's openat records.
void record_opens(const TempDir& dir, const std::vector<std::filesystem::path>& paths,
                  std::vector<nlohmann::json>& opens) {
  DaemonProcess daemon(dir.path() / "trail", dir.path() / "control.sock");
  ASSERT_TRUE(daemon.ready());
  for (const auto& path : paths) {
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << path;
    ::close(fd);
  }
  ASSERT_EQ(daemon.stop(), 0);
  for (auto& rec : search_json(dir.path() / "trail", {"--pid", std::to_string(getpid())})) {
    if (rec.value("event", "") == "openat") opens.push_back(std::move(rec));
  }
}

TEST(PathsTest, ComponentsOfEveryLengthAreRecordedByteForByte) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  // A 255-byte directory (NAME_MAX) holding files named 1..17, 31..33, 100
  // and 255 bytes long, each name ending in a distinct character.
  auto deep = dir.path() / std::string(255, 'd');
  std::filesystem::create_directory(deep);
  std::vector<std::filesystem::path> files;
  for (size_t length : {1, 2, 3, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 255}) {
    std::string name(length - 1, 'n');
    name += static_cast<char>('A' + files.size());
    files.push_back(std::filesystem::canonical(deep) / name);
  }
  std::vector<nlohmann::json> opens;
  ASSERT_NO_FATAL_FAILURE(record_opens(dir, files, opens));
  std::map<std::string, int> opened;
  for (const auto& rec : opens) ++opened[rec.value("path", "")];
  for (const auto& file : files) {
    EXPECT_EQ(opened[file.native()], 1) << "path of " << file.filename().native().size()
                                        << "-byte name";
  }
}

// An open's path is walked from the returned fd (the first steps inline, the
// rest in a loop), and the caller's string is read only when that walk stops
// short (C2A_PATH_DEPTH components). Each file is opened through a symlink,
// so the record tells which of the two named it.
TEST(PathsTest, OpensAtEveryDepthAreRecordedWholeOrByTheNameGiven) {
  C2AUDIT_REQUIRE_ROOT();
  TempDir dir;
  auto root = std::filesystem::canonical(dir.path());
  std::vector<std::filesystem::path> links;
  std::map<std::string, std::string> expected;  // link opened -> path recorded
  // Depths well inside or past the limit, whatever the temp dir's own depth.
  for (int levels : {0, 3, 6, 7, 20, 30, C2A_PATH_DEPTH + 4}) {
    auto file = root;
    for (int level = 0; level < levels; ++level) file /= "d";
    std::filesystem::create_directories(file);
    file /= "file-" + std::to_string(levels);
    auto link = root / ("link-" + std::to_string(levels));
    std::filesystem::create_symlink(file, link);
    links.push_back(link);
    expected[link.native()] = levels < C2A_PATH_DEPTH ? file.native() : link.native();
  }
  std::vector<nlohmann::json> opens;
  ASSERT_NO_FATAL_FAILURE(record_opens(dir, links, opens));
  std::map<std::string, int> opened;
  for (const auto& rec : opens) {
    ++opened[rec.value("path", "")];
    EXPECT_FALSE(rec.value("path_unresolved", false)) << rec.dump();
  }
  for (const auto& [link, path] : expected) EXPECT_EQ(opened[path], 1) << "opened as " << link;
}

}  // namespace
}  // namespace c2audit::test
