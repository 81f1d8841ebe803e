#include "policy/policy_store.h"

namespace c2audit {

PolicyStore::PolicyStore(ObjectiveSet initial, uint32_t generation) {
  kept_.push_back({generation, std::make_shared<const ObjectiveSet>(std::move(initial))});
}

uint32_t PolicyStore::generation() const {
  std::lock_guard lock(mutex_);
  return kept_.back().generation;
}

std::shared_ptr<const ObjectiveSet> PolicyStore::current() const {
  std::lock_guard lock(mutex_);
  return kept_.back().set;
}

PolicyStore::Lookup PolicyStore::for_generation(uint32_t generation) const {
  std::lock_guard lock(mutex_);
  for (auto it = kept_.rbegin(); it != kept_.rend(); ++it) {
    if (it->generation == generation) return {it->set, true};
  }
  return {kept_.back().set, false};
}

void PolicyStore::adopt(ObjectiveSet next) {
  auto set = std::make_shared<const ObjectiveSet>(std::move(next));
  std::lock_guard lock(mutex_);
  kept_.push_back({kept_.back().generation + 1, std::move(set)});
  if (kept_.size() > kKept) kept_.pop_front();
}

}  // namespace c2audit
