#include "policy/path_gate.h"

#include <algorithm>

#include "common/path_glob.h"

namespace c2audit {
namespace {

// Its path globs, compiled, when each is a literal or a subtree; else none.
std::vector<PathGlob> gate_globs(const Objective& o) {
  std::vector<PathGlob> globs(o.paths.begin(), o.paths.end());
  bool gateable = std::all_of(globs.begin(), globs.end(), [](const PathGlob& g) {
    return g.is_literal() || !g.subtree().empty();
  });
  return gateable ? globs : std::vector<PathGlob>{};
}

}  // namespace

PathGate::PathGate(const std::vector<Objective>& objectives) : gated_(objectives.size(), false) {
  for (uint32_t i = 0; i < objectives.size(); ++i) {
    std::vector<PathGlob> globs = gate_globs(objectives[i]);
    if (globs.empty()) continue;
    gated_[i] = true;
    for (const PathGlob& glob : globs) {
      Index& index = glob.is_literal() ? by_path_ : by_subtree_;
      auto& list = index[std::string(glob.is_literal() ? glob.literal_prefix() : glob.subtree())];
      if (list.empty() || list.back() != i) list.push_back(i);
    }
  }
}

void PathGate::mark_all(const Index& index, std::string_view key, std::vector<uint64_t>& passed) {
  auto it = index.find(key);
  if (it == index.end()) return;
  for (uint32_t i : it->second) passed[i / 64] |= uint64_t{1} << (i % 64);
}

void PathGate::mark(std::string_view path, std::vector<uint64_t>& passed) const {
  if (path.empty()) return;
  if (!by_path_.empty()) mark_all(by_path_, path, passed);
  if (by_subtree_.empty()) return;
  for (size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    mark_all(by_subtree_, path.substr(0, slash + 1), passed);
  }
}

}  // namespace c2audit
