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
//
// What it changed is also written to a ledger in /run (as short-lived as the
// kernel's state): a c2auditd killed before it could put things back leaves
// it there, and the next one, finding that c2auditd gone, adopts the changes
// and puts them back when it stops.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace c2audit {

inline constexpr const char* kKernelAuditLedger = "/run/c2audit/kernel-audit-changes";

// Kernel audit's state as the kernel reports it: enabled 0 (off), 1 (on) or
// 2 (locked on until reboot), and the pid of the registered audit daemon (0:
// none). Needs CAP_AUDIT_CONTROL.
struct KernelAuditState {
  uint32_t enabled = 0;
  uint32_t daemon_pid = 0;
};
Result<KernelAuditState> kernel_audit_state();

class KernelAuditSwitch {
 public:
  // Never fails: what it could not do is said in account().
  static KernelAuditSwitch take(const std::filesystem::path& ledger = kKernelAuditLedger);

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
  void write_ledger() const;
  // Takes over what a killed c2auditd changed; false when there is nothing
  // to take over (or its owner still runs: then account_ says so).
  bool adopt_ledger(uint32_t enabled, bool has_rule);

  std::filesystem::path ledger_;
  std::string account_;
  bool enabled_it_ = false;
  bool added_rule_ = false;
};

}  // namespace c2audit
