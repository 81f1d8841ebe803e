// One Linux Audit rule's meaning as an objective (policy/auditd_convert.h):
// what each kind of rule and field becomes, what is kept only approximately
// (and said so), and what cannot be converted at all.
#include "policy/auditd_convert.h"

#include <gtest/gtest.h>

namespace c2audit {
namespace {

struct Converted {
  Result<ImportedObjective> objective;
  std::vector<std::string> approximations;
};

Converted convert(std::string_view line) {
  auto rule = parse_auditd_line(line);
  EXPECT_TRUE(rule) << line;
  Converted c{fail("not parsed"), {}};
  if (rule) c.objective = convert_auditd_rule(*rule, c.approximations);
  return c;
}

using Strings = std::vector<std::string>;
using Users = std::vector<UserSelector>;

TEST(AuditdConvert, AWatchIsItsPathAndSubtreeForTheClassesItsPermissionsName) {
  auto c = convert("-w /etc/shadow -p wa -k identity");
  ASSERT_TRUE(c.objective) << c.objective.error().message;
  EXPECT_EQ(c.objective->name, "identity");
  EXPECT_EQ(c.objective->paths, (Strings{"/etc/shadow", "/etc/shadow/**"}));
  EXPECT_EQ(c.objective->classes, (Strings{"file.write", "file.create", "file.delete", "file.rename", "file.attr"}));
  EXPECT_EQ(c.objective->action, "record");
  EXPECT_TRUE(c.approximations.empty());
}

TEST(AuditdConvert, AWatchOfAMergedUsrDirectoryCoversBothNames) {
  auto c = convert("-w /bin/su -p x");
  ASSERT_TRUE(c.objective) << c.objective.error().message;
  EXPECT_EQ(c.objective->classes, Strings{"process.exec"});
  EXPECT_EQ(c.objective->paths, (Strings{"/bin/su", "/bin/su/**", "/usr/bin/su", "/usr/bin/su/**"}));
}

TEST(AuditdConvert, LoginUidRangeUnsetAndExitCodeBecomeUsersExclusionsAndErrors) {
  auto c = convert("-a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -F exit=-EACCES -k access");
  ASSERT_TRUE(c.objective) << c.objective.error().message;
  EXPECT_EQ(c.objective->events, Strings{"openat"});
  EXPECT_EQ(c.objective->users, (Users{std::string("1000-4294967294")}));
  EXPECT_EQ(c.objective->exclude_users, (Users{kUnsetId}));
  EXPECT_EQ(c.objective->errors, Strings{"EACCES"});
  EXPECT_EQ(c.objective->result, "failure");
  EXPECT_TRUE(c.approximations.empty());
}

TEST(AuditdConvert, NeverIsAnIgnoreAndExeIsAProgram) {
  auto c = convert("-a never,exit -F arch=b64 -S all -F exe=/usr/bin/cron");
  ASSERT_TRUE(c.objective) << c.objective.error().message;
  EXPECT_EQ(c.objective->action, "ignore");
  EXPECT_EQ(c.objective->programs, Strings{"/usr/bin/cron"});
  EXPECT_EQ(c.objective->classes, (Strings{"file.*", "process.*", "priv.*", "net.*", "admin.*"}));  // -S all
  EXPECT_TRUE(c.objective->name.empty());  // no key: the importer names it
}

TEST(AuditdConvert, WhatIsKeptOnlyApproximatelyIsSaid) {
  auto b32 = convert("-a always,exit -F arch=b32 -S chmod -F success=0 -k x");
  ASSERT_TRUE(b32.objective);
  EXPECT_EQ(b32.objective->result, "failure");
  ASSERT_EQ(b32.approximations.size(), 1u);
  EXPECT_NE(b32.approximations[0].find("either ABI"), std::string::npos) << b32.approximations[0];

  auto compare = convert("-a always,exit -F arch=b64 -S execve -C uid!=suid -F euid=0 -k priv");
  ASSERT_TRUE(compare.objective);
  EXPECT_EQ(compare.objective->users, (Users{int64_t{0}}));
  ASSERT_EQ(compare.approximations.size(), 2u);
  EXPECT_NE(compare.approximations[0].find("-C uid!=suid is not supported"), std::string::npos);
  EXPECT_NE(compare.approximations[1].find("login uid"), std::string::npos);
}

TEST(AuditdConvert, ADirectoryAndPermissionFieldNarrowTheCallToItsTree) {
  auto c = convert("-a always,exit -S open -F dir=/home -F perm=w");
  ASSERT_TRUE(c.objective) << c.objective.error().message;
  EXPECT_EQ(c.objective->paths, (Strings{"/home", "/home/**"}));
  EXPECT_EQ(c.objective->classes, (Strings{"file.write", "file.create", "file.delete", "file.rename"}));
}

TEST(AuditdConvert, ARuleOfAListThatIsNotSyscallExitIsNotConverted) {
  auto c = convert("-a always,task -S all");
  ASSERT_FALSE(c.objective);
  EXPECT_NE(c.objective.error().message.find("task list is not converted"), std::string::npos)
      << c.objective.error().message;
}

}  // namespace
}  // namespace c2audit
