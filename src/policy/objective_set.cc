#include "policy/objective_set.h"

#include <algorithm>
#include <string_view>

#include "pipeline/syscall_table.h"

namespace c2audit {
namespace {

bool class_matches(std::string_view pattern, std::string_view event_class) {
  if (pattern.ends_with(".*")) {
    pattern.remove_suffix(1);  // keep the dot: "admin." is a family prefix
    return event_class.starts_with(pattern);
  }
  return pattern == event_class;
}

bool under_prefix(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || prefix.ends_with('/') || path[prefix.size()] == '/';
}

bool any_path_under(const AuditRecord& rec, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
    return under_prefix(rec.path, p) || (!rec.path2.empty() && under_prefix(rec.path2, p));
  });
}

bool objective_matches(const Objective& o, const AuditRecord& rec) {
  auto class_ok = std::any_of(o.classes.begin(), o.classes.end(),
                              [&](const std::string& c) { return class_matches(c, rec.event_class); });
  if (!class_ok) return false;
  if (o.result == ResultSelector::success && !rec.success) return false;
  if (o.result == ResultSelector::failure && rec.success) return false;
  if (!o.errnos.empty() &&
      std::find(o.errnos.begin(), o.errnos.end(), rec.errno_name) == o.errnos.end()) {
    return false;
  }
  return o.path_prefixes.empty() || any_path_under(rec, o.path_prefixes);
}

// Classes an open may end up in, decided by its flags at run time.
constexpr std::string_view kOpenClasses[] = {"file.read", "file.write", "file.create"};

bool may_select(const Objective& o, const SyscallInfo& info) {
  auto wants = [&](std::string_view cls) {
    return std::any_of(o.classes.begin(), o.classes.end(),
                       [&](const std::string& c) { return class_matches(c, cls); });
  };
  if (info.class_rule == ClassRule::open_flags) {
    return std::any_of(std::begin(kOpenClasses), std::end(kOpenClasses), wants);
  }
  return wants(info.event_class);
}

}  // namespace

ObjectiveSet ObjectiveSet::defaults() {
  const std::vector<std::string> system_paths = {
      "/etc", "/boot", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/local/bin", "/usr/local/sbin",
      "/bin", "/sbin", "/lib", "/lib64", "/root/.ssh", "/var/spool/cron", "/etc/cron.d"};
  const std::vector<std::string> credential_stores = {
      "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d", "/etc/ssh/ssh_host_",
      "/root/.ssh", "/etc/security/opasswd"};
  return ObjectiveSet(
      "default C2 baseline",
      {
          {"program-execution", {"process.exec"}, {}, ResultSelector::any, {}, "medium"},
          {"privilege-change", {"priv.change"}, {}, ResultSelector::any, {}, "high"},
          {"system-administration", {"admin.*"}, {}, ResultSelector::any, {}, "critical"},
          {"network-listen", {"net.bind"}, {}, ResultSelector::any, {}, "medium"},
          {"credential-store-read", {"file.read"}, credential_stores, ResultSelector::any, {},
           "critical"},
          {"system-file-change",
           {"file.write", "file.create", "file.delete", "file.rename", "file.attr"},
           system_paths, ResultSelector::any, {}, "high"},
          {"access-denied", {"file.*"}, {}, ResultSelector::failure, {"EACCES", "EPERM"},
           "medium"},
      });
}

ObjectiveSet ObjectiveSet::audit_all() {
  return ObjectiveSet("all covered syscalls (--all)",
                      {{"all", {"file.*", "process.*", "priv.*", "net.*", "admin.*"}, {},
                        ResultSelector::any, {}, "info"}});
}

const Objective* ObjectiveSet::match(const AuditRecord& rec) const {
  for (const auto& o : objectives_) {
    if (objective_matches(o, rec)) return &o;
  }
  return nullptr;
}

std::vector<uint32_t> ObjectiveSet::selected_syscalls() const {
  std::vector<uint32_t> nrs;
  for (const auto& info : covered_syscalls()) {
    if (std::any_of(objectives_.begin(), objectives_.end(),
                    [&](const Objective& o) { return may_select(o, info); })) {
      nrs.push_back(info.nr);
    }
  }
  return nrs;
}

}  // namespace c2audit
