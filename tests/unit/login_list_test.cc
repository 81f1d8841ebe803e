// c2audit search --login: logins by their kernel LOGIN record, with origin
// from the session's USER_START and duration to its USER_END; failures.
#include "cli/login_list.h"

#include <gtest/gtest.h>

namespace c2audit::cli {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

AuditRecord message(std::string event, std::string cls, uint32_t pid, uint32_t ses, int64_t t) {
  AuditRecord r;
  r.kind = RecordKind::user;
  r.event = std::move(event);
  r.event_class = std::move(cls);
  r.pid = pid;
  r.ses = ses;
  r.time_ns = t;
  return r;
}

TEST(LoginList, ALoginHasItsOriginAndItsDuration) {
  LoginList list;
  AuditRecord login = message("LOGIN", "auth.session", 703, 69, 100 * kSecond);
  login.user = "alice";
  login.seq = 5;
  AuditRecord start = message("USER_START", "auth.session", 703, 69, 100 * kSecond);
  start.account = "alice";
  start.service = "sshd";
  start.addr = start.hostname = "127.0.0.1";
  start.tty = "ssh";
  AuditRecord other_end = message("USER_END", "auth.logout", 999, 69, 110 * kSecond);  // su inside
  AuditRecord end = message("USER_END", "auth.logout", 703, 69, 112 * kSecond + kSecond / 2);
  for (const auto& r : {login, start, other_end, end}) list.add(r);
  ASSERT_EQ(list.logins().size(), 1u);
  const Login& l = list.logins()[0];
  EXPECT_TRUE(l.success);
  EXPECT_EQ(l.account, "alice");
  EXPECT_EQ(l.service, "sshd");
  EXPECT_EQ(l.ses, 69u);
  ASSERT_TRUE(l.end_ns);
  EXPECT_EQ(*l.end_ns, 112 * kSecond + kSecond / 2);
  EXPECT_NE(login_text(l).find("from=127.0.0.1 tty=ssh ses=69 pid=703 duration=12.5s"),
            std::string::npos)
      << login_text(l);
}

TEST(LoginList, FailedStepsAreListedAndSyscallsIgnored) {
  LoginList list;
  AuditRecord failed = message("USER_AUTH", "auth.login", 802, kUnsetId, kSecond);
  failed.success = false;
  failed.account = "bob";
  failed.service = "sshd";
  failed.addr = "10.0.0.7";
  AuditRecord syscall = message("LOGIN", "auth.session", 1, 1, kSecond);
  syscall.kind = RecordKind::syscall;  // not a user message: never a login
  list.add(failed);
  list.add(syscall);
  ASSERT_EQ(list.logins().size(), 1u);
  EXPECT_FALSE(list.logins()[0].success);
  EXPECT_NE(login_text(list.logins()[0]).find("login failure account=bob service=sshd from=10.0.0.7"),
            std::string::npos);
  EXPECT_EQ(login_json(list.logins()[0]).find("\"ses\""), std::string::npos);
}

TEST(LoginList, ASessionNotEndedIsOpen) {
  LoginList list;
  list.add(message("LOGIN", "auth.session", 5, 7, kSecond));
  ASSERT_EQ(list.logins().size(), 1u);
  EXPECT_NE(login_text(list.logins()[0]).find("duration=open"), std::string::npos);
}

}  // namespace
}  // namespace c2audit::cli
