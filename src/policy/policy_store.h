// PolicyStore: the policy in force, plus the few before it. Each carries the
// generation the kernel stamps on the events it let through, so an event is
// judged by the same policy in user space as in the kernel, even when a
// reload happens while it is in flight.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>

#include "policy/objective_set.h"

namespace c2audit {

class PolicyStore {
 public:
  static constexpr size_t kKept = 16;  // older generations fall back to the current one

  explicit PolicyStore(ObjectiveSet initial, uint32_t generation = 1);

  uint32_t generation() const { return kept_.back().generation; }
  const ObjectiveSet& current() const { return *kept_.back().set; }

  // The policy of `generation`, or the current one when it is no longer kept.
  const ObjectiveSet& for_generation(uint32_t generation) const;

  // Puts `next` in force under generation() + 1.
  void adopt(ObjectiveSet next);

 private:
  struct Entry {
    uint32_t generation;
    std::unique_ptr<ObjectiveSet> set;
  };
  std::deque<Entry> kept_;
};

}  // namespace c2audit
