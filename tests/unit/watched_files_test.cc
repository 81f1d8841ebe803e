// Watched files resolved to identities from real files: hard links share
// one, a replaced file gets a new one, a missing file has none and its
// nearest existing ancestor is the directory to watch.
#include "policy/watched_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/directory_watch.h"
#include "scratch_files.h"

namespace c2audit {
namespace {

TEST(WatchedFiles, HardLinksShareAnIdentityAndReplacementChangesIt) {
  testing_files::ScratchDir dir("watched-files");
  auto file = dir.path() / "secret";
  std::ofstream(file) << "x";
  std::filesystem::create_hard_link(file, dir.path() / "link");
  auto watched = WatchedFiles::resolve({{file.native(), 0b1}});
  ASSERT_EQ(watched.identities.size(), 1u);
  EXPECT_EQ(identity_of((dir.path() / "link").native()), watched.identities.at(file.native()));
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(watched.identities.at(file.native()).ino, st.st_ino);

  std::ofstream(dir.path() / "new") << "y";
  std::filesystem::rename(dir.path() / "new", file);
  auto now = WatchedFiles::resolve(watched.watches);
  EXPECT_NE(now.identities, watched.identities);
  EXPECT_EQ(now.masks().size(), 1u);
}

TEST(WatchedFiles, NamesOfOneFileShareItsEntryAndMissingFilesHaveNone) {
  testing_files::ScratchDir dir("watched-files");
  auto file = dir.path() / "a";
  std::ofstream(file) << "x";
  std::filesystem::create_symlink(file, dir.path() / "b");
  auto missing = dir.path() / "not" / "yet" / "there";
  auto watched = WatchedFiles::resolve(
      {{file.native(), 0b01}, {(dir.path() / "b").native(), 0b10}, {missing.native(), 0b100}});
  auto masks = watched.masks();
  ASSERT_EQ(masks.size(), 1u);  // the symlink leads to the same file, as an open would
  EXPECT_EQ(masks.begin()->second, 0b11u);
  EXPECT_EQ(watched.directories(), std::vector<std::string>{dir.path().native()});
}

TEST(WatchedNames, KeepEveryIdentityAFileHad) {
  WatchedNames names;
  WatchedFiles first, second;
  first.identities = {{"/etc/shadow", {1, 10}}};
  second.identities = {{"/etc/shadow", {1, 11}}};
  names.add(first);
  names.add(second);
  EXPECT_EQ(names.path_of({1, 10}), "/etc/shadow");
  EXPECT_EQ(names.path_of({1, 11}), "/etc/shadow");
  EXPECT_EQ(names.path_of({2, 10}), std::nullopt);
}

TEST(DirectoryWatch, SeesANameReplacedAndNothingElse) {
  testing_files::ScratchDir dir("watched-files");
  auto watch = DirectoryWatch::create();
  ASSERT_TRUE(watch) << watch.error().message;
  watch->watch({dir.path().native()});
  EXPECT_FALSE(watch->changed());
  std::ofstream(dir.path() / "new") << "y";
  EXPECT_TRUE(watch->changed());
  EXPECT_FALSE(watch->changed());
  std::filesystem::rename(dir.path() / "new", dir.path() / "secret");
  EXPECT_TRUE(watch->changed());
}

}  // namespace
}  // namespace c2audit
