#include "policy/auditd_rule.h"

#include <gtest/gtest.h>

namespace c2audit {
namespace {

TEST(AuditdRuleParse, Watch) {
  auto rule = parse_auditd_line("-w /etc/passwd -p wa -k identity");
  ASSERT_TRUE(rule) << rule.error().message;
  EXPECT_EQ(rule->kind, AuditdRule::Kind::watch);
  EXPECT_EQ(rule->watch_path, "/etc/passwd");
  EXPECT_EQ(rule->watch_perms, "wa");
  EXPECT_EQ(rule->keys, std::vector<std::string>{"identity"});
}

TEST(AuditdRuleParse, SyscallRuleWithFieldsAndCommaLists) {
  auto rule = parse_auditd_line(
      "-a exit,always -F arch=b64 -S chmod,fchmod -S fchmodat -F auid>=1000 "
      "-F auid!=unset -F key=perm_mod");
  ASSERT_TRUE(rule) << rule.error().message;
  EXPECT_EQ(rule->kind, AuditdRule::Kind::syscall);
  EXPECT_EQ(rule->action, "always");
  EXPECT_EQ(rule->list, "exit");
  EXPECT_EQ(rule->syscalls, (std::vector<std::string>{"chmod", "fchmod", "fchmodat"}));
  ASSERT_EQ(rule->fields.size(), 3u);
  EXPECT_EQ(rule->fields[1].name, "auid");
  EXPECT_EQ(rule->fields[1].op, ">=");
  EXPECT_EQ(rule->fields[1].value, "1000");
  EXPECT_EQ(rule->fields[2].op, "!=");
  EXPECT_EQ(rule->keys, std::vector<std::string>{"perm_mod"});  // -F key= is a key
}

TEST(AuditdRuleParse, AttachedArgumentsAndTabs) {
  auto rule = parse_auditd_line("-Anever,exit\t-Sall  -Fexe=/usr/bin/x -kquiet\r");
  ASSERT_TRUE(rule) << rule.error().message;
  EXPECT_TRUE(rule->prepend);
  EXPECT_EQ(rule->action, "never");
  EXPECT_EQ(rule->syscalls, std::vector<std::string>{"all"});
  EXPECT_EQ(rule->fields[0].value, "/usr/bin/x");
  EXPECT_EQ(rule->keys, std::vector<std::string>{"quiet"});
}

TEST(AuditdRuleParse, NotRules) {
  for (auto line : {"", "   ", "# comment", "-D", "-b 8192", "-b8192", "-f 1", "-e 2", "-r 0",
                    "--backlog_wait_time 60000", "--backlog_wait_time=60000",
                    "--loginuid-immutable", "-i", "-c"}) {
    auto rule = parse_auditd_line(line);
    ASSERT_TRUE(rule) << line << ": " << rule.error().message;
    EXPECT_EQ(rule->kind, AuditdRule::Kind::not_a_rule) << line;
  }
}

TEST(AuditdRuleParse, Errors) {
  auto why = [](std::string_view line) {
    auto rule = parse_auditd_line(line);
    return rule ? std::string("(parsed)") : rule.error().message;
  };
  EXPECT_EQ(why("-l"), "unknown option -l");
  EXPECT_EQ(why("-s -k x"), "unknown option -s");
  EXPECT_EQ(why("--reset-everything"), "unknown option --reset-everything");
  EXPECT_EQ(why("-a always,exit -S"), "option -S needs an argument");
  EXPECT_EQ(why("-a always"), "bad -a argument always");
  EXPECT_EQ(why("-a sometimes,exit"), "bad -a argument sometimes,exit");
  EXPECT_EQ(why("-a always,exit -F auid"), "bad field -F auid");
  EXPECT_EQ(why("-a always,exit -w /etc"), "more than one -a, -A or -w");
  EXPECT_EQ(why("-S open -k x"), "no -a, -A or -w: not a rule");
  EXPECT_EQ(why("-w /etc/passwd extra"), "unexpected argument extra");
  EXPECT_EQ(why("-w /etc/passwd -e 2"), "-e is not allowed within a rule");
  EXPECT_NE(why("-W /etc/passwd -p wa").find("deletes a rule"), std::string::npos);
  EXPECT_NE(why("-d always,exit -S open").find("deletes a rule"), std::string::npos);
}

}  // namespace
}  // namespace c2audit
