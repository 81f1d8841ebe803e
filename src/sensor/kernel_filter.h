// KernelFilter: what the sensor's pre-filter maps hold for one policy
// (struct c2a_policy_masks and friends in wire.h), as the sensor installs it
// (Sensor::install_policy). Policy compiles objectives into it
// (policy/kernel_filter.h); the sensor does not know objectives.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "c2audit/wire.h"

namespace c2audit {

struct KernelFilter {
  // C2A_SYSCALL_SLOTS entries per ABI (enum c2a_abi), by number: entry().
  std::vector<c2a_syscall_filter> syscalls;
  c2a_syscall_filter& entry(uint32_t abi, uint32_t nr) {
    return syscalls.at(abi * C2A_SYSCALL_SLOTS + nr);
  }
  const c2a_syscall_filter& entry(uint32_t abi, uint32_t nr) const {
    return syscalls.at(abi * C2A_SYSCALL_SLOTS + nr);
  }
  c2a_policy_masks masks{};                   // generation left 0: the sensor sets it
  std::map<uint32_t, c2a_user_masks> users;   // by user id
  std::map<uint32_t, uint64_t> errnos;        // by errno: objectives listing it
  std::map<std::string, uint64_t> prefixes;   // path prefix -> objectives (ancestors folded in)
  // A prefix's first component ("etc" of "/etc/ssh/") -> objectives with a
  // prefix that begins with it: the path gate (masks.any_top for the rest).
  std::map<std::string, uint64_t> top_components;
  // Files objectives name literally (masks.by_inode), and the directories
  // of the whole trees they name ("/etc" of "/etc/**", masks.by_dir) ->
  // objectives naming each: the kernel knows them by identity too
  // (policy/watched_files.h).
  std::map<std::string, uint64_t> watched_files;
};

}  // namespace c2audit
