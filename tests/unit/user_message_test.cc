// Kernel audit user messages: parsing what PAM, sshd, sudo and the shadow
// tools really send (lines captured from Debian 12's programs on this
// machine), and the records they become.
#include "kaudit/user_message.h"

#include <gtest/gtest.h>

#include "kaudit/user_record.h"
#include "record/record_codec.h"
#include "record/record_json.h"

namespace c2audit {
namespace {

constexpr uint16_t kLogin = 1006, kUserAuth = 1100, kUserStart = 1105, kUserChauthtok = 1108,
                   kUserLogin = 1112, kAddUser = 1114, kAddGroup = 1116, kUserCmd = 1123,
                   kUserAcct = 1101;

AuditRecord record_of(uint16_t type, std::string_view text) {
  auto m = parse_user_message(type, text);
  EXPECT_TRUE(m) << (m ? "" : m.error().message);
  return m ? user_message_record(*m) : AuditRecord{};
}

TEST(UserMessage, SuWithAWrongPasswordIsAFailedLoginStep) {
  AuditRecord rec = record_of(
      kUserAuth,
      "audit(1796154961.408:30): pid=637 uid=1002 auid=4294967295 ses=4294967295 "
      "msg='op=PAM:authentication grantors=? acct=\"c2lab\" exe=\"/usr/bin/su\" hostname=? "
      "addr=? terminal=/dev/pts/0 res=failed'");
  EXPECT_EQ(rec.kind, RecordKind::user);
  EXPECT_EQ(rec.event, "USER_AUTH");
  EXPECT_EQ(rec.event_class, "auth.login");
  EXPECT_EQ(rec.time_ns, 1796154961'408000000);
  EXPECT_EQ(rec.pid, 637u);
  EXPECT_EQ(rec.uid, 1002u);
  EXPECT_EQ(rec.auid, kUnsetId);
  EXPECT_EQ(rec.ses, kUnsetId);
  EXPECT_EQ(rec.op, "PAM:authentication");
  EXPECT_EQ(rec.account, "c2lab");
  EXPECT_EQ(rec.exe, "/usr/bin/su");
  EXPECT_EQ(rec.service, "su");
  EXPECT_EQ(rec.tty, "/dev/pts/0");
  EXPECT_TRUE(rec.hostname.empty());  // "?" is unknown, not a host
  EXPECT_TRUE(rec.addr.empty());
  EXPECT_FALSE(rec.success);
}

TEST(UserMessage, SshSessionCarriesTheNewSessionAndTheRemoteAddress) {
  AuditRecord rec = record_of(
      kUserStart,
      "audit(1796154976.248:39): pid=703 uid=0 auid=1001 ses=69 msg='op=PAM:session_open "
      "grantors=pam_selinux,pam_loginuid,pam_keyinit acct=\"c2lab\" exe=\"/usr/sbin/sshd\" "
      "hostname=127.0.0.1 addr=127.0.0.1 terminal=ssh res=success'");
  EXPECT_EQ(rec.event_class, "auth.session");
  EXPECT_EQ(rec.auid, 1001u);
  EXPECT_EQ(rec.ses, 69u);
  EXPECT_EQ(rec.service, "sshd");
  EXPECT_EQ(rec.hostname, "127.0.0.1");
  EXPECT_EQ(rec.addr, "127.0.0.1");
  EXPECT_EQ(rec.tty, "ssh");
  EXPECT_TRUE(rec.success);
}

TEST(UserMessage, KernelLoginRecordHasNoSenderPart) {
  AuditRecord rec = record_of(kLogin,
                              "audit(1796155089.576:265): pid=1653 uid=0 old-auid=4294967295 "
                              "auid=1001 tty=pts0 old-ses=4294967295 ses=72 res=1");
  EXPECT_EQ(rec.event, "LOGIN");
  EXPECT_EQ(rec.event_class, "auth.session");
  EXPECT_EQ(rec.auid, 1001u);  // the new login uid, not old-auid
  EXPECT_EQ(rec.ses, 72u);
  EXPECT_EQ(rec.tty, "pts0");
  EXPECT_TRUE(rec.success);
  AuditRecord failed = record_of(kLogin,
                                 "audit(1.000:1): pid=1 uid=0 old-auid=4294967295 auid=1001 "
                                 "tty=(none) old-ses=4294967295 ses=72 res=0");
  EXPECT_FALSE(failed.success);
  EXPECT_TRUE(failed.tty.empty());
}

TEST(UserMessage, HexEncodedValuesAreDecoded) {
  AuditRecord sudo = record_of(
      kUserCmd,
      "audit(1796155024.324:137): pid=909 uid=1001 auid=1001 ses=71 msg='cwd=\"/home/c2lab\" "
      "cmd=2F7573722F62696E2F6964202D75 exe=\"/usr/bin/sudo\" terminal=pts/1 res=success'");
  EXPECT_EQ(sudo.event_class, "priv.sudo");
  EXPECT_EQ(sudo.command, "/usr/bin/id -u");
  EXPECT_EQ(sudo.service, "sudo");
  AuditRecord invalid_user = record_of(
      kUserLogin,
      "audit(1796154993.720:60): pid=802 uid=0 auid=4294967295 ses=4294967295 msg='op=login "
      "acct=28696E76616C6964207573657229 exe=\"/usr/sbin/sshd\" hostname=? addr=127.0.0.1 "
      "terminal=sshd res=failed'");
  EXPECT_EQ(invalid_user.account, "(invalid user)");
  EXPECT_EQ(invalid_user.addr, "127.0.0.1");
}

TEST(UserMessage, AnOpWithSpacesRunsToTheNextKey) {
  AuditRecord rec = record_of(
      kUserAcct,
      "audit(1796155041.516:195): pid=1129 uid=0 auid=4294967295 ses=4294967295 msg='op=changing "
      "/etc/group; group c2labgrp/1003, new name: c2labgrp2 acct=\"c2labgrp\" "
      "exe=\"/usr/sbin/groupmod\" hostname=? addr=? terminal=? res=success'");
  EXPECT_EQ(rec.op, "changing /etc/group; group c2labgrp/1003, new name: c2labgrp2");
  EXPECT_EQ(rec.account, "c2labgrp");
  AuditRecord empty_op = record_of(
      kAddGroup,
      "audit(1796155041.364:167): pid=1054 uid=0 auid=4294967295 ses=4294967295 msg='op= "
      "id=1003 exe=\"/usr/sbin/groupadd\" hostname=? addr=? terminal=? res=success'");
  EXPECT_EQ(empty_op.op, "");
  EXPECT_EQ(empty_op.account, "1003");
}

TEST(UserMessage, AccountChangesAreAdminAccount) {
  EXPECT_EQ(record_of(kAddUser,
                      "audit(1796154949.724:6): pid=539 uid=0 auid=1000 ses=2 msg='op=adding "
                      "user id=1001 exe=\"/usr/sbin/useradd\" hostname=? addr=? terminal=? "
                      "res=success'")
                .event_class,
            "admin.account");
  AuditRecord usermod = record_of(
      kUserChauthtok,
      "audit(1.000:2): pid=5 uid=0 auid=1000 ses=2 msg='op=adding user to group acct=\"c2lab\" "
      "exe=\"/usr/sbin/usermod\" hostname=? addr=? terminal=? res=success'");
  EXPECT_EQ(usermod.event_class, "admin.account");
  EXPECT_EQ(usermod.op, "adding user to group");
  EXPECT_EQ(usermod.auid, 1000u);  // the operator
}

TEST(UserMessage, TheSenderCannotPassForTheKernel) {
  // A sender writing auid= and ses= into its own text does not change who sent it.
  AuditRecord rec = record_of(kUserAuth,
                              "audit(1.000:3): pid=9 uid=1002 auid=1002 ses=5 msg='op=x "
                              "auid=0 ses=1 pid=1 acct=\"root\" res=success'");
  EXPECT_EQ(rec.auid, 1002u);
  EXPECT_EQ(rec.ses, 5u);
  EXPECT_EQ(rec.pid, 9u);
}

TEST(UserMessage, AHostileAccountNameStaysOneValue) {
  // What a user typing "evil res=success acct=root'" at ssh's login prompt
  // becomes: libaudit hex-encodes a name holding a space, so its text is
  // one value and the result stays the sender's own.
  AuditRecord rec = record_of(
      kUserAuth,
      "audit(1796154993.720:61): pid=802 uid=0 auid=4294967295 ses=4294967295 "
      "msg='op=PAM:authentication grantors=? "
      "acct=6576696C207265733D7375636365737320616363743D726F6F7427 exe=\"/usr/sbin/sshd\" "
      "hostname=127.0.0.1 addr=127.0.0.1 terminal=ssh res=failed'");
  EXPECT_EQ(rec.account, "evil res=success acct=root'");
  EXPECT_FALSE(rec.success);
  EXPECT_EQ(rec.addr, "127.0.0.1");
}

TEST(UserMessage, MalformedMessagesAreRefused) {
  EXPECT_FALSE(parse_user_message(kUserAuth, ""));
  EXPECT_FALSE(parse_user_message(kUserAuth, "pid=1 uid=0"));
  EXPECT_FALSE(parse_user_message(kUserAuth, "audit(1796154961.408:30) pid=1"));
  EXPECT_FALSE(parse_user_message(kUserAuth, "audit(1796154961.4:30): pid=1"));
  EXPECT_FALSE(parse_user_message(kUserAuth, "audit(x.408:30): pid=1"));
  EXPECT_FALSE(parse_user_message(kUserAuth, "audit(99999999999.408:30): pid=1"));
  EXPECT_FALSE(parse_user_message(kUserAuth, "audit(1.408:30): pid=1 msg='op=x acct=\"bob"));
  EXPECT_FALSE(parse_user_message(kUserAuth, "audit(1.408:30): pid=1 msg='op=x res=success"));
  EXPECT_FALSE(parse_user_message(kUserAuth, "audit(1.408:30): pid=1 comm=\"ab"));
}

TEST(UserMessage, OnlyUserMessagesAndLoginAreRead) {
  EXPECT_TRUE(is_user_message_type(1005));  // auditctl -m
  EXPECT_TRUE(is_user_message_type(1006));
  EXPECT_TRUE(is_user_message_type(1100));
  EXPECT_TRUE(is_user_message_type(1199));
  EXPECT_TRUE(is_user_message_type(2100));
  EXPECT_FALSE(is_user_message_type(1300));  // SYSCALL: auditd's rules, not ours
  EXPECT_FALSE(is_user_message_type(1305));
  EXPECT_FALSE(is_user_message_type(1320));
  EXPECT_EQ(user_message_class(1107), "user.message");
  EXPECT_EQ(user_message_event(4000), "UNKNOWN[4000]");
}

TEST(UserMessage, RecordEncodesAndPrints) {
  AuditRecord rec = record_of(
      kUserCmd,
      "audit(1796155024.324:137): pid=909 uid=1001 auid=1001 ses=71 msg='cwd=\"/home/c2lab\" "
      "cmd=2F7573722F62696E2F6964202D75 exe=\"/usr/bin/sudo\" terminal=pts/1 res=success'");
  rec.seq = 7;
  std::string bytes;
  encode_record(rec, bytes);
  auto back = decode_record({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, rec);
  nlohmann::json j = to_json(rec);
  EXPECT_EQ(j["event"], "USER_CMD");
  EXPECT_EQ(j["class"], "priv.sudo");
  EXPECT_EQ(j["command"], "/usr/bin/id -u");
  EXPECT_EQ(j["ses"], 71);
  EXPECT_EQ(j["result"], "success");
}

}  // namespace
}  // namespace c2audit
