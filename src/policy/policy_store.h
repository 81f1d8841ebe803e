// PolicyStore: the policy in force, plus the few before it. Each carries the
// generation the kernel stamps on the events it let through, so an event is
// judged by the same policy in user space as in the kernel, even when a
// reload happens while it is in flight.
//
// Thread-safe: consumer threads look policies up while the daemon's main
// thread adopts new ones. A looked-up policy stays alive while its holder
// keeps the pointer, even once the store has let it go.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "policy/objective_set.h"

namespace c2audit {

class PolicyStore {
 public:
  static constexpr size_t kKept = 16;  // older generations fall back to the current one

  explicit PolicyStore(ObjectiveSet initial, uint32_t generation = 1);

  uint32_t generation() const;
  std::shared_ptr<const ObjectiveSet> current() const;

  struct Lookup {
    std::shared_ptr<const ObjectiveSet> set;
    bool exact = false;  // false: the generation is not kept (or not yet adopted): the current one
  };
  // The policy of `generation`, or the current one when it is not kept.
  Lookup for_generation(uint32_t generation) const;

  // Puts `next` in force under generation() + 1.
  void adopt(ObjectiveSet next);

 private:
  struct Entry {
    uint32_t generation;
    std::shared_ptr<const ObjectiveSet> set;
  };
  mutable std::mutex mutex_;
  std::deque<Entry> kept_;
};

// A consumer thread's view of a PolicyStore: the policy of the generation
// it last looked up, so that the store's lock is taken only when the
// generation changes.
class PolicyCache {
 public:
  explicit PolicyCache(const PolicyStore& store) : store_(store) {}

  const ObjectiveSet& for_generation(uint32_t generation) {
    if (!set_ || generation != generation_) {
      auto found = store_.for_generation(generation);
      set_ = std::move(found.set);
      // A fallback is not cached: the generation may be adopted a moment later.
      generation_ = found.exact ? generation : kNoGeneration;
    }
    return *set_;
  }

 private:
  static constexpr uint32_t kNoGeneration = 0;  // the store's generations start at 1
  const PolicyStore& store_;
  std::shared_ptr<const ObjectiveSet> set_;
  uint32_t generation_ = kNoGeneration;
};

}  // namespace c2audit
