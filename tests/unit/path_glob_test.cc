// Path glob semantics, shared by objectives and `c2audit search --path`.
#include "common/path_glob.h"

#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

namespace c2audit {
namespace {

TEST(GlobMatch, StarStaysInsideOneDirectory) {
  EXPECT_TRUE(glob_match("/etc/*", "/etc/passwd"));
  EXPECT_FALSE(glob_match("/etc/*", "/etc/ssh/sshd_config"));
  EXPECT_TRUE(glob_match("/etc/*/sshd_config", "/etc/ssh/sshd_config"));
  EXPECT_TRUE(glob_match("/etc/pass*", "/etc/passwd"));
  EXPECT_TRUE(glob_match("/etc/*wd", "/etc/passwd"));
  EXPECT_TRUE(glob_match("*", "passwd"));
  EXPECT_FALSE(glob_match("*", "/etc"));
}

TEST(GlobMatch, DoubleStarCrossesDirectories) {
  EXPECT_TRUE(glob_match("/etc/**", "/etc/passwd"));
  EXPECT_TRUE(glob_match("/etc/**", "/etc/ssh/sshd_config"));
  EXPECT_FALSE(glob_match("/etc/**", "/etc"));
  EXPECT_FALSE(glob_match("/etc/**", "/etcetera/x"));
  EXPECT_TRUE(glob_match("**", "/any/thing"));
  EXPECT_TRUE(glob_match("/home/**.ssh", "/home/alice/.ssh"));
  EXPECT_TRUE(glob_match("/var/**/*.log", "/var/log/syslog.log"));
  EXPECT_TRUE(glob_match("/var/**/*.log", "/var/log/apt/history.log"));
  EXPECT_FALSE(glob_match("/var/**/*.log", "/var/log/apt/history.log.1"));
}

TEST(GlobMatch, DoubleStarSlashMatchesZeroDirectories) {
  EXPECT_TRUE(glob_match("/home/**/.ssh", "/home/.ssh"));
  EXPECT_TRUE(glob_match("/home/**/.ssh", "/home/alice/.ssh"));
  EXPECT_TRUE(glob_match("/home/**/.ssh", "/home/a/b/.ssh"));
  EXPECT_FALSE(glob_match("/home/**/.ssh", "/home/alice/.sshx"));
  EXPECT_TRUE(glob_match("**/shadow", "/etc/shadow"));
}

TEST(GlobMatch, QuestionMarkClassesAndEscapes) {
  EXPECT_TRUE(glob_match("/tmp/?", "/tmp/a"));
  EXPECT_FALSE(glob_match("/tmp?a", "/tmp/a"));
  EXPECT_TRUE(glob_match("/dev/tty[0-9]", "/dev/tty3"));
  EXPECT_FALSE(glob_match("/dev/tty[0-9]", "/dev/ttyS"));
  EXPECT_TRUE(glob_match("/dev/tty[!0-9]", "/dev/ttyS"));
  EXPECT_TRUE(glob_match("/dev/tty[^0-9]", "/dev/ttyS"));
  EXPECT_FALSE(glob_match("/a[/]b", "/a/b"));
  EXPECT_TRUE(glob_match("/x[]]", "/x]"));
  EXPECT_TRUE(glob_match("/x[", "/x["));  // unclosed bracket is literal
  EXPECT_TRUE(glob_match("/a\\*", "/a*"));
  EXPECT_FALSE(glob_match("/a\\*", "/ab"));
}

TEST(GlobMatch, WholePathOnly) {
  EXPECT_FALSE(glob_match("/etc", "/etc/passwd"));
  EXPECT_FALSE(glob_match("/etc/passwd", "/etc"));
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "/"));
}

TEST(GlobMatch, ManyStarsStayFast) {
  std::string path(4000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*b", path));
  EXPECT_FALSE(glob_match("**a**a**a**a**a**a**b", path));
}

// The shapes a PathGlob matches without its NFA (literal, "/dir/**",
// "/dir/*") must agree with the NFA: "[c]" in place of "c" gives a glob of the
// same meaning that takes the general path.
TEST(PathGlob, FastShapesAgreeWithTheGeneralMatcher) {
  const std::pair<const char*, const char*> same_meaning[] = {
      {"/etc/shadow", "/etc/shado[w]"},
      {"/etc/**", "/et[c]/**"},
      {"/etc/cron.d/*", "/et[c]/cron.d/*"},
      {"/etc/pass***", "/et[c]/pass***"},
  };
  const char* paths[] = {"", "/", "/etc", "/etc/", "/etc/shadow", "/etc/shadowx", "/etc/shado",
                         "/etc/passwd", "/etc/ssh/sshd_config", "/etcetera/x", "/etc/cron.d/",
                         "/etc/cron.d/job", "/etc/cron.d/a/b", "/home/u/.ssh/id"};
  for (const auto& [fast, general] : same_meaning) {
    PathGlob a(fast), b(general);
    for (const char* p : paths) EXPECT_EQ(a.matches(p), b.matches(p)) << fast << " on " << p;
  }
  PathGlob all("**");
  for (const char* p : paths) EXPECT_TRUE(all.matches(p)) << p;
  EXPECT_TRUE(PathGlob("/etc/shadow").is_literal());
  EXPECT_FALSE(PathGlob("/etc/shado[w]").is_literal());
}

TEST(PathGlob, LongGlobsBeyondTheInlineStatesStillMatch) {
  std::string dir(PathGlob::kInlineStates + 40, 'd');
  PathGlob glob("/" + dir + "/*.log");
  EXPECT_TRUE(glob.matches("/" + dir + "/x.log"));
  EXPECT_FALSE(glob.matches("/" + dir + "/x/y.log"));
}

TEST(GlobSet, MatchesAnyOfItsLiteralsAndGlobs) {
  GlobSet set({"/etc/shadow", "/etc/gshadow", "/etc/sudoers.d/*", "/home/**/.ssh/authorized_keys"});
  EXPECT_TRUE(set.matches("/etc/shadow"));
  EXPECT_TRUE(set.matches("/etc/gshadow"));
  EXPECT_FALSE(set.matches("/etc/shadow-"));
  EXPECT_TRUE(set.matches("/etc/sudoers.d/ops"));
  EXPECT_FALSE(set.matches("/etc/sudoers.d/a/b"));
  EXPECT_TRUE(set.matches("/home/alice/.ssh/authorized_keys"));
  EXPECT_TRUE(set.matches_either("/tmp/x", "/etc/shadow"));
  EXPECT_FALSE(set.matches_either("", ""));
  EXPECT_TRUE(GlobSet().empty());
  EXPECT_FALSE(GlobSet().matches("/etc/shadow"));
}

TEST(GlobLiteralPrefix, StopsAtTheFirstSpecialCharacter) {
  EXPECT_EQ(glob_literal_prefix("/etc/ssh/*_key"), "/etc/ssh/");
  EXPECT_EQ(glob_literal_prefix("/etc/shadow"), "/etc/shadow");
  EXPECT_EQ(glob_literal_prefix("/home/?/x"), "/home/");
  EXPECT_EQ(glob_literal_prefix("**/x"), "");
}

}  // namespace
}  // namespace c2audit
