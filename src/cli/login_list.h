// LoginList: what `c2audit search --login` prints — one entry per login
// (a new audit session: the kernel's LOGIN record, which pam_loginuid causes
// for sshd, login and cron) with its origin and how long it lasted, and one
// per failed login step (a failed auth.login record: wrong password, unknown
// user). Fed the trail's records in order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "record/audit_record.h"

namespace c2audit::cli {

struct Login {
  uint64_t seq = 0;      // of the record it was seen by
  int64_t time_ns = 0;
  bool success = true;
  uint32_t ses = kUnsetId;
  uint32_t pid = 0;      // of the process that logged the user in
  std::string account, service, hostname, addr, tty;
  std::optional<int64_t> end_ns;  // the session's USER_END, when seen
};

class LoginList {
 public:
  void add(const AuditRecord& rec);
  // In trail order.
  const std::vector<Login>& logins() const { return logins_; }

 private:
  std::vector<Login> logins_;
  std::map<std::pair<uint32_t, uint32_t>, size_t> open_;  // (pid, ses) -> index
};

// One line: time, result, account, service, origin, session, duration.
std::string login_text(const Login& login);
std::string login_json(const Login& login);

}  // namespace c2audit::cli
