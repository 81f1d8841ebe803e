#include "policy/policy_store.h"

namespace c2audit {

PolicyStore::PolicyStore(ObjectiveSet initial, uint32_t generation) {
  kept_.push_back({generation, std::make_unique<ObjectiveSet>(std::move(initial))});
}

const ObjectiveSet& PolicyStore::for_generation(uint32_t generation) const {
  for (auto it = kept_.rbegin(); it != kept_.rend(); ++it) {
    if (it->generation == generation) return *it->set;
  }
  return current();
}

void PolicyStore::adopt(ObjectiveSet next) {
  kept_.push_back({generation() + 1, std::make_unique<ObjectiveSet>(std::move(next))});
  if (kept_.size() > kKept) kept_.pop_front();
}

}  // namespace c2audit
