// Objectives compiled into what the BPF pre-filter can check (KernelFilter,
// the sensor's side: sensor/kernel_filter.h). It must never drop an event
// an objective would record: every kernel check is a necessary condition of
// the objective's exact match, so the kernel passes a superset and user space
// decides. Objective i owns bit i; objectives past the last bit share it, with
// the union of their criteria.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "c2audit/wire.h"
#include "policy/objective_set.h"
#include "sensor/kernel_filter.h"

namespace c2audit {

KernelFilter compile_kernel_filter(const ObjectiveSet& set);

// What the kernel decides for one event, the same way the BPF code does:
// whether it reaches user space. `path` is the kernel-resolved object path,
// when the record has only that one. For tests and `objectives test`.
struct KernelEvent {
  uint32_t nr = 0;
  uint32_t abi = C2A_ABI_X86_64;  // enum c2a_abi: which table nr is from
  bool success = true;
  int error = 0;            // errno of a failure
  uint64_t open_flags = 0;
  uint32_t subject_id = 0;  // auid, or uid when auid is unset
  bool no_login = false;    // auid is unset
  std::optional<std::string> path;
};
bool kernel_passes(const KernelFilter& filter, const KernelEvent& event);

}  // namespace c2audit
