// KernelAuditSwitch: what c2auditd changes in kernel audit so that user
// messages (logins, sudo, account changes) flow, and puts back when it stops.
//
// Kernel audit passes user messages on only while it is enabled. Enabling it
// has a cost: every task forked from then on carries an audit context and
// takes the slow path on each system call, rules or not. So when kernel audit
// is off and no audit daemon is registered, c2auditd adds a `never,task` rule
// (new tasks get no context) and then enables it; at stop it disables it and
// deletes that rule. When an audit daemon is registered, kernel audit is
// already on, or it is locked (-e 2), nothing is changed: its settings belong
// to whoever made them.
#pragma once

#include <string>

namespace c2audit {

class KernelAuditSwitch {
 public:
  // Never fails: what it could not do is said in account().
  static KernelAuditSwitch take();

  KernelAuditSwitch(KernelAuditSwitch&& other) noexcept;
  KernelAuditSwitch& operator=(KernelAuditSwitch&&) = delete;
  KernelAuditSwitch(const KernelAuditSwitch&) = delete;
  ~KernelAuditSwitch() { put_back(); }

  // Undoes what take() did, once; a registered audit daemon keeps the state.
  void put_back();

  // What was found and done, for the daemon's start record.
  const std::string& account() const { return account_; }
  bool enabled_it() const { return enabled_it_; }

 private:
  KernelAuditSwitch() = default;
  std::string account_;
  bool enabled_it_ = false;
  bool added_rule_ = false;
};

}  // namespace c2audit
