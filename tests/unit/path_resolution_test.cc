#include "pipeline/path_resolution.h"

#include <gtest/gtest.h>

namespace c2audit {
namespace {

TEST(NormalizePath, CollapsesDotsAndSlashes) {
  EXPECT_EQ(normalize_path("/a//b/./c/"), "/a/b/c");
  EXPECT_EQ(normalize_path("/a/b/../c"), "/a/c");
  EXPECT_EQ(normalize_path("/.."), "/");
  EXPECT_EQ(normalize_path("/a/../../b"), "/b");
  EXPECT_EQ(normalize_path("/"), "/");
}

TEST(NormalizePath, KeepsNormalPathsAndNamesThatOnlyLookLikeDots) {
  EXPECT_EQ(normalize_path("/usr/include/stdio.h"), "/usr/include/stdio.h");
  EXPECT_EQ(normalize_path("/a/..x/.b/..."), "/a/..x/.b/...");
  EXPECT_EQ(normalize_path("/a/."), "/a");
  EXPECT_EQ(normalize_path("/a/.."), "/");
  EXPECT_EQ(normalize_path("/a/./"), "/a");
  EXPECT_EQ(normalize_path("//a"), "/a");
}

TEST(AbsolutePath, JoinsRelativeNamesToTheirBase) {
  EXPECT_EQ(absolute_path("x/../y", "/home/u"), "/home/u/y");
  EXPECT_EQ(absolute_path("./f", "/"), "/f");
  EXPECT_EQ(absolute_path("/etc/./passwd", "/ignored"), "/etc/passwd");
}

TEST(AbsolutePath, RelativeNameWithoutBaseIsUnresolved) {
  EXPECT_EQ(absolute_path("f", ""), "");
  EXPECT_EQ(absolute_path("f", "not-absolute"), "");
  EXPECT_EQ(absolute_path("", "/base"), "/base");
}

}  // namespace
}  // namespace c2audit
