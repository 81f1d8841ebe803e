#include "policy/kernel_filter.h"

#include <algorithm>

#include "c2audit/filter_decision.h"
#include "common/path_glob.h"
#include "syscalls/ia32_syscall_table.h"
#include "syscalls/syscall_table.h"

namespace c2audit {
namespace {

constexpr size_t kLastBit = C2A_FILTER_OBJECTIVES - 1;

uint64_t bit_of(size_t index) { return uint64_t{1} << std::min(index, kLastBit); }

bool single_users_only(const std::vector<UserRange>& users) {
  return std::all_of(users.begin(), users.end(), [](const UserRange& u) { return u.first == u.last; });
}

// The kernel checks users only as single ids; a range makes the objective
// "any user" there (a superset), and ranges in exclusions are left to user space.
bool kernel_checks_users(const Objective& o) { return !o.users.empty() && single_users_only(o.users); }
bool kernel_checks_exclusions(const Objective& o, bool shared_bit) {
  return !shared_bit && single_users_only(o.exclude_users);
}

// The literal prefixes of an objective's path globs; nullopt when some glob
// has none (it may match anywhere), so the kernel cannot filter by path.
std::optional<std::vector<std::string>> path_prefixes(const Objective& o) {
  if (o.paths.empty()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& glob : o.paths) {
    std::string_view prefix = glob_literal_prefix(glob);
    if (prefix.empty()) return std::nullopt;
    out.emplace_back(prefix.substr(0, C2A_PREFIX_MAX));
  }
  return out;
}

// The first component of an absolute path or prefix ("etc" of "/etc/ssh/"),
// when the prefix holds all of it (a '/' follows); nullopt otherwise.
std::optional<std::string> whole_top_component(std::string_view prefix) {
  if (!prefix.starts_with('/')) return std::nullopt;
  size_t end = prefix.find('/', 1);
  if (end == std::string_view::npos || end == 1) return std::nullopt;
  return std::string(prefix.substr(1, end - 1));
}

// The directory a glob of a whole tree watches ("/etc" of "/etc/**"), which
// the kernel then also knows by its identity; nullopt for any other glob,
// and for "/**", which every path matches by name already.
std::optional<std::string> watched_tree(const std::string& glob) {
  PathGlob compiled(glob);
  std::string_view subtree = compiled.subtree();
  if (subtree.size() < 2) return std::nullopt;
  return std::string(subtree.substr(0, subtree.size() - 1));
}

// Everything the kernel checks, it checks exactly: an ignore objective like
// that decides in the kernel.
bool kernel_decides_exactly(const Objective& o, size_t index) {
  bool users_exact = o.users.empty() || kernel_checks_users(o);
  return o.action == ObjectiveAction::ignore && index < kLastBit && users_exact &&
         single_users_only(o.exclude_users) && !has_user_space_criteria(o);
}

void select(c2a_syscall_filter& entry, const SyscallInfo& info, uint64_t bit) {
  uint8_t ia32_too = entry.spec.flags & C2A_SPEC_IA32_TOO;
  entry.spec = info.spec;
  entry.spec.flags |= C2A_SPEC_AUDIT | ia32_too;
  if (info.class_rule == ClassRule::open_flags) entry.spec.flags |= C2A_SPEC_OPEN_CLASS;
  std::copy(info.ioctl_requests.begin(), info.ioctl_requests.end(), entry.ioctl_requests);
  entry.objectives |= bit;
}

// An ia32 call is judged by its own entry; the x86-64 entry of its number
// (of socketcall's, for the calls socketcall carries) tells the sensor to
// ask which ABI a call of that number used.
void add_syscalls(KernelFilter& f, const Objective& o, uint64_t bit) {
  for (const auto& info : covered_syscalls()) {
    if (may_select(o, info)) select(f.entry(C2A_ABI_X86_64, info.nr), info, bit);
  }
  for (const auto& call : ia32_syscalls()) {
    if (!may_select(o, *call.info)) continue;
    select(f.entry(C2A_ABI_IA32, call.nr), *call.info, bit);
    if (call.nr != C2A_IA32_SOCKETCALL_ACCEPT) {
      f.entry(C2A_ABI_X86_64, call.nr).spec.flags |= C2A_SPEC_IA32_TOO;
    }
    if (call.via_socketcall) {
      f.entry(C2A_ABI_X86_64, C2A_IA32_SOCKETCALL).spec.flags |= C2A_SPEC_IA32_TOO;
    }
  }
}

void add_masks(KernelFilter& f, const Objective& o, uint64_t bit) {
  c2a_policy_masks& m = f.masks;
  if (o.result != ResultSelector::failure) m.on_success |= bit;
  if (o.result != ResultSelector::success) m.on_failure |= bit;
  if (wants_class(o, "file.read")) m.open_read |= bit;
  if (wants_class(o, "file.write")) m.open_write |= bit;
  if (wants_class(o, "file.create")) m.open_create |= bit;
  if (o.action == ObjectiveAction::record) m.records |= bit;
}

void add_errnos(KernelFilter& f, const Objective& o, uint64_t bit) {
  if (o.errors.empty()) {
    f.masks.any_errno |= bit;
    return;
  }
  for (const auto& name : o.errors) {
    if (auto number = errno_number(name)) f.errnos[*number] |= bit;
  }
}

void add_users(KernelFilter& f, const Objective& o, uint64_t bit, bool shared_bit) {
  if (kernel_checks_users(o)) {
    for (const auto& u : o.users) f.users[u.first].include |= bit;
    f.masks.user_lists |= bit;
  } else {
    f.masks.any_user |= bit;
  }
  if (kernel_checks_exclusions(o, shared_bit) && !o.exclude_users.empty()) {
    for (const auto& u : o.exclude_users) f.users[u.first].exclude |= bit;
    f.masks.user_lists |= bit;
  }
}

void add_paths(KernelFilter& f, const Objective& o, uint64_t bit) {
  auto prefixes = path_prefixes(o);
  if (!prefixes) {
    f.masks.any_path |= bit;
    return;
  }
  for (const auto& p : *prefixes) {
    f.prefixes[p] |= bit;
    if (auto top = whole_top_component(p)) {
      f.top_components[*top] |= bit;
    } else {
      f.masks.any_top |= bit;
    }
  }
  for (const auto& glob : o.paths) {
    if (glob_literal_prefix(glob) == glob) {
      f.watched_files[glob] |= bit;
      f.masks.by_inode |= bit;
    } else if (auto dir = watched_tree(glob)) {
      f.watched_files[*dir] |= bit;
      f.masks.by_dir |= bit;
    }
  }
}

// The trie answers with the longest matching prefix only, so each entry also
// carries the objectives of every shorter prefix of it.
void fold_ancestors(std::map<std::string, uint64_t>& prefixes) {
  for (auto& [prefix, mask] : prefixes) {
    for (const auto& [other, other_mask] : prefixes) {
      if (other.size() < prefix.size() && prefix.starts_with(other)) mask |= other_mask;
    }
  }
}

// The path gate's lookup: the objectives with a prefix beginning with the
// path's first component, compared as the kernel keys it (length and first
// C2A_TOP_NAME bytes).
uint64_t top_candidates(const KernelFilter& f, std::string_view path) {
  std::string_view top = path.substr(1, path.find('/', 1) - 1);
  uint64_t mask = 0;
  for (const auto& [name, objectives] : f.top_components) {
    if (name.size() == top.size() && std::string_view(name).substr(0, C2A_TOP_NAME) ==
                                         top.substr(0, C2A_TOP_NAME)) {
      mask |= objectives;
    }
  }
  return mask;
}

}  // namespace

KernelFilter compile_kernel_filter(const ObjectiveSet& set) {
  KernelFilter f;
  f.syscalls.resize(C2A_ABI_COUNT * C2A_SYSCALL_SLOTS);
  const auto& objectives = set.objectives();
  for (size_t i = 0; i < objectives.size(); ++i) {
    const Objective& o = objectives[i];
    uint64_t bit = bit_of(i);
    add_syscalls(f, o, bit);
    add_masks(f, o, bit);
    add_users(f, o, bit, i >= kLastBit);
    add_errnos(f, o, bit);
    add_paths(f, o, bit);
    if (kernel_decides_exactly(o, i)) f.masks.exact_ignore |= bit;
  }
  fold_ancestors(f.prefixes);
  return f;
}

// The sensor's steps (c2audit/filter_decision.h), with this filter's maps
// looked up where the sensor looks up its own.
bool kernel_passes(const KernelFilter& f, const KernelEvent& e) {
  if (e.nr >= C2A_SYSCALL_SLOTS || e.abi >= C2A_ABI_COUNT) return false;
  const c2a_syscall_filter& entry = f.entry(e.abi, e.nr);
  if (!(entry.spec.flags & C2A_SPEC_AUDIT)) return false;
  const c2a_policy_masks* m = &f.masks;
  auto listed = f.errnos.find(static_cast<uint32_t>(e.error));
  uint64_t by_errno = !e.success && listed != f.errnos.end() ? listed->second : 0;
  uint64_t cand = c2a_by_result(m, entry.objectives, !e.success, by_errno);
  if (entry.spec.flags & C2A_SPEC_OPEN_CLASS) cand = c2a_by_open_class(m, cand, e.open_flags);
  uint64_t include = 0, exclude = 0;
  auto add_user = [&](uint32_t id) {
    if (auto u = f.users.find(id); u != f.users.end()) {
      include |= u->second.include;
      exclude |= u->second.exclude;
    }
  };
  add_user(e.subject_id);
  if (e.no_login) add_user(kUnsetId);
  cand = c2a_by_user(m, cand, include, exclude);
  if (!c2a_worth_recording(m, cand)) return false;
  if (!e.path) return true;
  if (e.path->starts_with('/')) {  // the kernel's gate finds no first component in "memfd:x"
    cand = c2a_by_top_component(m, cand, top_candidates(f, *e.path));
    if (!c2a_worth_recording(m, cand)) return false;
  }
  std::string key = e.path->substr(0, C2A_PREFIX_MAX);
  uint64_t by_prefix = 0;
  size_t longest = 0;
  for (const auto& [prefix, mask] : f.prefixes) {
    if (key.starts_with(prefix) && prefix.size() >= longest) {
      longest = prefix.size();
      by_prefix = mask;
    }
  }
  return c2a_worth_recording(m, c2a_by_path(m, cand, by_prefix));
}

}  // namespace c2audit
