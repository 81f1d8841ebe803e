#include "kaudit/user_record.h"

#include <libaudit.h>

#include <fmt/format.h>

#include "common/decimal.h"

namespace c2audit {
namespace {

struct ClassOf {
  uint16_t type;
  std::string_view event_class;
};

// clang-format off
constexpr ClassOf kClasses[] = {
    {AUDIT_USER_AUTH, "auth.login"}, {AUDIT_USER_ACCT, "auth.login"},
    {AUDIT_USER_LOGIN, "auth.login"}, {AUDIT_USER_ERR, "auth.login"},
    {AUDIT_GRP_AUTH, "auth.login"},
    {AUDIT_ANOM_LOGIN_FAILURES, "auth.login"}, {AUDIT_ANOM_LOGIN_TIME, "auth.login"},
    {AUDIT_ANOM_LOGIN_SESSIONS, "auth.login"}, {AUDIT_ANOM_LOGIN_ACCT, "auth.login"},
    {AUDIT_ANOM_LOGIN_LOCATION, "auth.login"}, {AUDIT_ANOM_LOGIN_SERVICE, "auth.login"},
    {AUDIT_ANOM_LOGIN_ROOT, "auth.login"},
    {AUDIT_USER_START, "auth.session"}, {AUDIT_LOGIN, "auth.session"},
    {AUDIT_USER_END, "auth.logout"}, {AUDIT_USER_LOGOUT, "auth.logout"},
    {AUDIT_CRED_ACQ, "auth.credential"}, {AUDIT_CRED_DISP, "auth.credential"},
    {AUDIT_CRED_REFR, "auth.credential"},
    {AUDIT_USER_MGMT, "admin.account"}, {AUDIT_USER_CHAUTHTOK, "admin.account"},
    {AUDIT_ADD_USER, "admin.account"}, {AUDIT_DEL_USER, "admin.account"},
    {AUDIT_ADD_GROUP, "admin.account"}, {AUDIT_DEL_GROUP, "admin.account"},
    {AUDIT_CHGRP_ID, "admin.account"}, {AUDIT_CHUSER_ID, "admin.account"},
    {AUDIT_GRP_MGMT, "admin.account"}, {AUDIT_GRP_CHAUTHTOK, "admin.account"},
    {AUDIT_ACCT_LOCK, "admin.account"}, {AUDIT_ACCT_UNLOCK, "admin.account"},
    {AUDIT_USER_CMD, "priv.sudo"},
};
// clang-format on

uint32_t id_field(std::string_view text, uint32_t absent) {
  return parse_decimal<uint32_t>(text).value_or(absent);
}

// The last part of a program's path: "sshd" for /usr/sbin/sshd.
std::string_view program_name(std::string_view exe) {
  size_t slash = exe.rfind('/');
  return slash == std::string_view::npos ? exe : exe.substr(slash + 1);
}

// res=success/failed (libaudit), res=1/0 (the kernel's LOGIN record).
bool succeeded(std::string_view res) { return res != "failed" && res != "0" && res != "failure"; }

}  // namespace

std::string_view user_message_class(uint16_t type) {
  for (const auto& c : kClasses) {
    if (c.type == type) return c.event_class;
  }
  return "user.message";
}

std::string user_message_event(uint16_t type) {
  if (const char* name = audit_msg_type_to_name(type)) return name;
  return fmt::format("UNKNOWN[{}]", type);
}

AuditRecord user_message_record(const UserMessage& m) {
  AuditRecord rec;
  rec.kind = RecordKind::user;
  rec.time_ns = m.time_ns;
  rec.event = user_message_event(m.type);
  rec.event_class = std::string(user_message_class(m.type));
  // Who sent it: the kernel's fields, never the sender's own.
  rec.pid = rec.tid = id_field(m.kernel_field("pid"), 0);
  rec.uid = rec.euid = id_field(m.kernel_field("uid"), 0);  // the kernel stamps one uid
  rec.auid = id_field(m.kernel_field("auid"), kUnsetId);
  rec.ses = id_field(m.kernel_field("ses"), kUnsetId);
  // What it says. The kernel's LOGIN record has no sender part: its tty and
  // result are the kernel's.
  bool kernel_only = m.sender.empty();
  auto said = [&](std::string_view key) {
    return std::string(kernel_only ? m.kernel_field(key) : m.sender_field(key));
  };
  rec.op = said("op");
  rec.account = said("acct");
  if (rec.account.empty()) rec.account = said("id");
  rec.exe = said("exe");
  rec.service = std::string(program_name(rec.exe));
  rec.hostname = said("hostname");
  rec.addr = said("addr");
  rec.tty = kernel_only ? said("tty") : said("terminal");
  if (rec.tty == "(none)") rec.tty.clear();
  rec.command = said("cmd");
  rec.success = succeeded(said("res"));
  return rec;
}

}  // namespace c2audit
