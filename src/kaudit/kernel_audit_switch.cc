#include "kaudit/kernel_audit_switch.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <libaudit.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include "common/file_descriptor.h"
#include "common/private_path.h"
#include "common/result.h"

namespace c2audit {
namespace {

constexpr uint32_t kOff = 0, kOn = 1, kLocked = 2;
constexpr int kMaxReplies = 4096;  // more than any rule list: a bound, not a count
constexpr size_t kLedgerMaxBytes = 64;  // "pid enabled rule\n": three small numbers

// The ledger: which c2auditd changed what ("<pid> <enabled it> <added the rule>").
struct LedgerEntry {
  pid_t pid = 0;
  bool enabled = false;
  bool rule = false;
};

// The ledger's entry; none when absent, unreadable, not root's, or not in
// its format (then it cannot be trusted to say what to undo).
std::optional<LedgerEntry> read_ledger(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) ||
      !check_owned_file(st, path, "kernel audit ledger")) {
    return std::nullopt;
  }
  std::array<char, kLedgerMaxBytes + 1> text{};
  ssize_t n = ::read(fd.get(), text.data(), kLedgerMaxBytes);
  if (n <= 0) return std::nullopt;
  int pid = 0, enabled = 0, rule = 0;
  char end = 0;
  if (std::sscanf(text.data(), "%d %d %d%c", &pid, &enabled, &rule, &end) != 4 || end != '\n' ||
      pid <= 0 || (enabled != 0 && enabled != 1) || (rule != 0 && rule != 1)) {
    return std::nullopt;
  }
  return LedgerEntry{pid, enabled == 1, rule == 1};
}

// Whether `pid` is a running c2auditd (not a pid reused by something else).
bool is_running_c2auditd(pid_t pid) {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink(fmt::format("/proc/{}/exe", pid), ec);
  return !ec && exe.filename().native().starts_with("c2auditd");  // also "c2auditd (deleted)"
}

struct Status {
  uint32_t enabled = kOff;
  uint32_t daemon_pid = 0;
};

// libaudit's calls return -errno on failure.
std::string why(int rc) { return std::strerror(rc < 0 ? -rc : EIO); }

FileDescriptor open_control() {
  set_aumessage_mode(MSG_QUIET, DBG_NO);  // errors are ours to report
  return FileDescriptor(audit_open());
}

Result<Status> read_status(int fd) {
  if (int rc = audit_request_status(fd); rc <= 0) {
    return fail(fmt::format("kernel audit status: {}", why(rc)));
  }
  for (int i = 0; i < kMaxReplies; ++i) {
    audit_reply rep{};
    if (int rc = audit_get_reply(fd, &rep, GET_REPLY_BLOCKING, 0); rc <= 0) {
      return fail(fmt::format("kernel audit status: {}", why(rc)));
    }
    if (rep.type == NLMSG_ERROR && rep.error->error) {
      return fail(fmt::format("kernel audit status: {}", why(rep.error->error)));
    }
    if (rep.type == AUDIT_GET) return Status{rep.status->enabled, rep.status->pid};
  }
  return fail("kernel audit status: no reply");
}

bool is_never_task(const audit_rule_data& r) {
  return r.flags == AUDIT_FILTER_TASK && r.action == AUDIT_NEVER && r.field_count == 0;
}

Result<bool> has_never_task_rule(int fd) {
  if (int rc = audit_request_rules_list_data(fd); rc <= 0) {
    return fail(fmt::format("listing kernel audit rules: {}", why(rc)));
  }
  bool found = false;
  for (int i = 0; i < kMaxReplies; ++i) {
    audit_reply rep{};
    if (int rc = audit_get_reply(fd, &rep, GET_REPLY_BLOCKING, 0); rc <= 0) {
      return fail(fmt::format("listing kernel audit rules: {}", why(rc)));
    }
    if (rep.type == NLMSG_DONE) return found;
    if (rep.type == NLMSG_ERROR && rep.error->error) {
      return fail(fmt::format("listing kernel audit rules: {}", why(rep.error->error)));
    }
    if (rep.type == AUDIT_LIST_RULES && is_never_task(*rep.ruledata)) found = true;
  }
  return fail("listing kernel audit rules: no end to the list");
}

// Adds or deletes `-a never,task`; the libaudit call's return code.
int change_never_task_rule(int fd, bool add) {
  audit_rule_data* rule = audit_rule_create_data();
  if (!rule) return -ENOMEM;
  int rc = add ? audit_add_rule_data(fd, rule, AUDIT_FILTER_TASK, AUDIT_NEVER)
               : audit_delete_rule_data(fd, rule, AUDIT_FILTER_TASK, AUDIT_NEVER);
  audit_rule_free_data(rule);
  return rc;
}

}  // namespace

KernelAuditSwitch::KernelAuditSwitch(KernelAuditSwitch&& other) noexcept
    : ledger_(std::move(other.ledger_)),
      account_(std::move(other.account_)),
      enabled_it_(std::exchange(other.enabled_it_, false)),
      added_rule_(std::exchange(other.added_rule_, false)) {}

void KernelAuditSwitch::write_ledger() const {
  std::filesystem::path dir = ledger_.parent_path();
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return;
  if (!check_private_directory(dir, "kernel audit ledger directory")) return;
  if (!enabled_it_ && !added_rule_) {
    ::unlink(ledger_.c_str());
    return;
  }
  FileDescriptor fd(
      ::open(ledger_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return;
  std::string line = fmt::format("{} {} {}\n", getpid(), enabled_it_ ? 1 : 0, added_rule_ ? 1 : 0);
  // Best effort, like the rest: a short write leaves a line read_ledger
  // refuses. (A (void) cast would not quiet GCC's warn_unused_result.)
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) return;
}

bool KernelAuditSwitch::adopt_ledger(uint32_t enabled, bool has_rule) {
  auto entry = read_ledger(ledger_);
  if (!entry || entry->pid == getpid()) return false;
  if (is_running_c2auditd(entry->pid)) {
    account_ = fmt::format("kernel audit left as c2auditd {}, still running, changed it",
                           entry->pid);
    return true;
  }
  enabled_it_ = entry->enabled && enabled == kOn;
  added_rule_ = entry->rule && has_rule;
  write_ledger();
  account_ = fmt::format(
      "kernel audit as c2auditd {} left it when it was killed (enabled {}, never,task rule {}): "
      "put back at stop",
      entry->pid, enabled, has_rule ? "present" : "absent");
  return true;
}

KernelAuditSwitch KernelAuditSwitch::take(const std::filesystem::path& ledger) {
  KernelAuditSwitch s;
  s.ledger_ = ledger;
  FileDescriptor fd = open_control();
  if (!fd.valid()) {
    s.account_ = fmt::format("kernel audit not changed: {}", std::strerror(errno));
    return s;
  }
  auto status = read_status(fd.get());
  if (!status) {
    s.account_ = "kernel audit not changed: " + status.error().message;
    return s;
  }
  if (status->daemon_pid != 0) {
    s.account_ = fmt::format("kernel audit left as its audit daemon (pid {}) has it (enabled {})",
                             status->daemon_pid, status->enabled);
    return s;
  }
  if (status->enabled == kLocked) {
    s.account_ = "kernel audit is locked (-e 2): left as it is";
    return s;
  }
  auto has_rule = has_never_task_rule(fd.get());
  if (!has_rule) {
    s.account_ = "kernel audit not changed: " + has_rule.error().message;
    return s;
  }
  if (s.adopt_ledger(status->enabled, *has_rule)) return s;
  if (status->enabled == kOn) {
    s.account_ = "kernel audit was on already: left as it is";
    return s;
  }
  // Each change is in the ledger before it is made: a kill at any point
  // leaves no change unsaid (one said but not made is checked at adoption).
  if (!*has_rule) {
    s.added_rule_ = true;
    s.write_ledger();
    if (int rc = change_never_task_rule(fd.get(), true); rc <= 0) {
      s.account_ = fmt::format("kernel audit not changed: adding a never,task rule: {}", why(rc));
      s.added_rule_ = false;
      s.write_ledger();
      return s;
    }
  }
  s.enabled_it_ = true;
  s.write_ledger();
  if (int rc = audit_set_enabled(fd.get(), kOn); rc < 0) {
    s.account_ = fmt::format("kernel audit not changed: enabling it: {}", why(rc));
    s.enabled_it_ = false;
    s.put_back();
    return s;
  }
  s.account_ = fmt::format("kernel audit enabled for its user messages{}; put back at stop",
                           s.added_rule_ ? ", with a never,task rule so tasks get no audit context"
                                         : "");
  return s;
}

void KernelAuditSwitch::put_back() {
  if (!enabled_it_ && !added_rule_) return;
  FileDescriptor fd = open_control();
  if (!fd.valid()) return;
  auto status = read_status(fd.get());
  // An audit daemon registered since owns the settings now, rules included.
  bool daemon_now = status && status->daemon_pid != 0;
  if (enabled_it_ && status && !daemon_now && status->enabled == kOn) {
    audit_set_enabled(fd.get(), kOff);
  }
  if (added_rule_ && !daemon_now) change_never_task_rule(fd.get(), false);
  enabled_it_ = added_rule_ = false;
  write_ledger();  // nothing left to undo: removed
}

Result<KernelAuditState> kernel_audit_state() {
  FileDescriptor fd = open_control();
  if (!fd.valid()) return fail(fmt::format("kernel audit: {}", std::strerror(errno)));
  auto status = read_status(fd.get());
  if (!status) return tl::unexpected(status.error());
  return KernelAuditState{status->enabled, status->daemon_pid};
}

}  // namespace c2audit
