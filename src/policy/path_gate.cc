#include "policy/path_gate.h"

#include <algorithm>

#include "common/path_glob.h"

namespace c2audit {
namespace {

// "/dir/" when `glob` is "/dir/" followed only by stars ("/dir/**"): every
// path under the directory, and nothing else.
std::string_view subtree_of(std::string_view glob) {
  std::string_view prefix = glob_literal_prefix(glob);
  std::string_view rest = glob.substr(prefix.size());
  bool stars_only = rest.size() >= 2 && rest.find_first_not_of('*') == std::string_view::npos;
  return stars_only && prefix.ends_with('/') ? prefix : std::string_view();
}

bool is_literal(std::string_view glob) { return glob_literal_prefix(glob).size() == glob.size(); }

bool gateable(const Objective& o) {
  return !o.paths.empty() && std::all_of(o.paths.begin(), o.paths.end(), [](const std::string& g) {
    return is_literal(g) || !subtree_of(g).empty();
  });
}

}  // namespace

PathGate::PathGate(const std::vector<Objective>& objectives) : gated_(objectives.size(), false) {
  for (uint32_t i = 0; i < objectives.size(); ++i) {
    if (!gateable(objectives[i])) continue;
    gated_[i] = true;
    for (const std::string& glob : objectives[i].paths) {
      Index& index = is_literal(glob) ? by_path_ : by_subtree_;
      std::string key(is_literal(glob) ? std::string_view(glob) : subtree_of(glob));
      auto& list = index[key];
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
