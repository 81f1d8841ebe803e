#include "policy/objective_set.h"

#include <algorithm>
#include <span>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "syscalls/syscall_table.h"
#include "policy/default_objectives.h"
#include "policy/objective_file.h"

namespace c2audit {
namespace {

// Classes an open may end up in, decided by its flags at run time.
constexpr std::string_view kOpenClasses[] = {"file.read", "file.write", "file.create"};

// Every class an occurrence of the syscall can have.
std::span<const std::string_view> possible_classes(const SyscallInfo& info) {
  if (info.class_rule == ClassRule::open_flags) return kOpenClasses;
  return {&info.event_class, 1};
}

// Whether o's events and classes admit an event of this name and class.
bool admits(const Objective& o, std::string_view event, std::string_view cls) {
  return (o.events.empty() || std::find(o.events.begin(), o.events.end(), event) != o.events.end()) &&
         wants_class(o, cls);
}

Result<std::vector<std::filesystem::path>> toml_files(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".toml" && !entry.path().filename().native().starts_with('.')) {
      files.push_back(entry.path());
    }
  }
  if (ec) return fail(fmt::format("{}: {}", dir.native(), ec.message()));
  std::sort(files.begin(), files.end());
  return files;
}

Result<void> check_unique(const std::vector<Objective>& all, const Objective& o) {
  for (const Objective& seen : all) {
    if (seen.name == o.name) {
      return fail(fmt::format("{}:{}:{}: objective '{}' is already defined at {}:{}", o.where.file,
                              o.where.line, o.where.column, o.name, seen.where.file,
                              seen.where.line));
    }
  }
  return {};
}

thread_local size_t this_thread_hit_slot = 0;

// The objectives in force: all but the skipped ones; their warnings go to `warnings`.
std::vector<Objective> in_force(std::vector<Objective> objectives,
                                std::vector<std::string>& warnings) {
  for (const auto& o : objectives) {
    warnings.insert(warnings.end(), o.warnings.begin(), o.warnings.end());
  }
  std::erase_if(objectives, [](const Objective& o) { return o.skipped; });
  return objectives;
}

}  // namespace

ObjectiveSet::ObjectiveSet(std::string description, std::vector<Objective> objectives,
                           std::vector<std::string> files)
    : description_(std::move(description)),
      objectives_(in_force(std::move(objectives), warnings_)),
      path_gate_(objectives_),
      files_(std::move(files)),
      hit_stride_((objectives_.size() + 7) & ~size_t{7}),
      hits_(std::make_unique<std::atomic<uint64_t>[]>(kHitSlots * hit_stride_ + 1)) {
  for (uint32_t i = 0; i < objectives_.size(); ++i) {
    globs_.emplace_back(objectives_[i]);
    all_.push_back(i);
  }
  for (const auto& info : covered_syscalls()) {
    auto& by_class = candidates_by_event_[std::string(info.name)];
    for (std::string_view cls : possible_classes(info)) {
      ClassCandidates entry{std::string(cls), {}};
      for (uint32_t i : all_) {
        if (admits(objectives_[i], info.name, cls)) entry.objectives.push_back(i);
      }
      by_class.push_back(std::move(entry));
    }
    if (info.nr >= candidates_by_nr_.size()) candidates_by_nr_.resize(info.nr + 1);
    candidates_by_nr_[info.nr] = {info.name, &by_class};
  }
}

const std::vector<uint32_t>& ObjectiveSet::candidates(const AuditRecord& rec) const {
  const std::vector<ClassCandidates>* by_class = nullptr;
  if (rec.kind == RecordKind::syscall && !rec.ia32 && rec.syscall_nr < candidates_by_nr_.size() &&
      candidates_by_nr_[rec.syscall_nr].event == rec.event) {
    by_class = candidates_by_nr_[rec.syscall_nr].by_class;
  } else if (auto it = candidates_by_event_.find(rec.event); it != candidates_by_event_.end()) {
    by_class = &it->second;
  }
  if (!by_class) return all_;
  for (const auto& entry : *by_class) {
    if (entry.event_class == rec.event_class) return entry.objectives;
  }
  return all_;
}

ObjectiveSet ObjectiveSet::defaults() {
  // The embedded text is tested to parse; only user names could fail, and it
  // uses none.
  auto objectives = parse_objectives(default_objectives_toml(), "<default objectives>");
  return ObjectiveSet("default C2 baseline", objectives ? std::move(*objectives)
                                                        : std::vector<Objective>{});
}

ObjectiveSet ObjectiveSet::audit_all() {
  Objective all;
  all.name = "all";
  all.classes = {"file.*", "process.*", "priv.*", "net.*", "admin.*", "auth.*", "user.*"};
  all.criticality = "info";
  return ObjectiveSet("all covered syscalls and user messages (--all)", {all});
}

Result<ObjectiveSet> ObjectiveSet::load_dir(const std::filesystem::path& dir, bool must_exist) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    if (must_exist) return fail(fmt::format("{}: not a directory of objective files", dir.native()));
    return defaults();
  }
  auto files = toml_files(dir);
  if (!files) return tl::unexpected(files.error());
  if (files->empty()) return defaults();
  std::vector<Objective> all;
  std::vector<std::string> names;
  for (const auto& file : *files) {
    auto objectives = read_objective_file(file);
    if (!objectives) return tl::unexpected(objectives.error());
    for (auto& o : *objectives) {
      if (auto ok = check_unique(all, o); !ok) return tl::unexpected(ok.error());
      all.push_back(std::move(o));
    }
    names.push_back(file.native());
  }
  if (all.empty()) {
    // Most likely a file caught half-written; an audit policy of nothing is
    // never what an administrator means (an ignore objective says so).
    return fail(fmt::format("{}: its files hold no [[objective]]; refusing an empty policy",
                            dir.native()));
  }
  // Named first: the arguments below may be moved from in any order.
  std::string description = fmt::format("{} ({} files)", dir.native(), names.size());
  ObjectiveSet set(std::move(description), std::move(all), std::move(names));
  if (set.objectives().empty()) {
    return fail(fmt::format("{}: every objective was skipped, refusing an empty policy: {}",
                            dir.native(), fmt::join(set.warnings(), "; ")));
  }
  return set;
}

const Objective* ObjectiveSet::decide(const AuditRecord& rec) const {
  // One bit per objective: the gated ones this record's paths let through.
  // Per thread, so that consumers on several threads may share a policy.
  thread_local std::vector<uint64_t> passed;
  passed.assign(objectives_.size() / 64 + 1, 0);
  path_gate_.mark(rec.path, passed);
  path_gate_.mark(rec.path2, passed);
  if (!rec.watched_path.empty()) path_gate_.mark(rec.watched_path, passed);
  for (uint32_t i : candidates(rec)) {
    if (path_gate_.gated(i) && !(passed[i / 64] >> (i % 64) & 1)) continue;
    if (objective_matches(objectives_[i], globs_[i], rec)) return &objectives_[i];
  }
  return nullptr;
}

const Objective* ObjectiveSet::match(const AuditRecord& rec) const {
  const Objective* o = decide(rec);
  if (!o) return nullptr;
  hits_[this_thread_hit_slot * hit_stride_ + static_cast<size_t>(o - objectives_.data())]
      .fetch_add(1, std::memory_order_relaxed);
  return o->action == ObjectiveAction::record ? o : nullptr;
}

void ObjectiveSet::use_hit_slot(unsigned slot) { this_thread_hit_slot = slot % kHitSlots; }

std::vector<uint64_t> ObjectiveSet::hits() const {
  std::vector<uint64_t> sums(objectives_.size(), 0);
  for (size_t slot = 0; slot < kHitSlots; ++slot) {
    for (size_t i = 0; i < sums.size(); ++i) {
      sums[i] += hits_[slot * hit_stride_ + i].load(std::memory_order_relaxed);
    }
  }
  return sums;
}

bool may_select(const Objective& o, const SyscallInfo& info) {
  // A mode or an xattr name is had only by the calls that set one.
  if (o.mode_bits != 0 && info.mode_arg == C2A_ARG_NONE) return false;
  if (!o.xattrs.empty() && info.name2 != Name2::xattr) return false;
  // An address family only the socket calls; an object's type or owner only
  // calls with an fd's object (an opened file, an fd argument).
  if (!o.families.empty() && !has_address(info)) return false;
  if ((!o.file_types.empty() || !o.file_owners.empty()) && !has_fd_object(info)) return false;
  auto classes = possible_classes(info);
  return std::any_of(classes.begin(), classes.end(),
                     [&](std::string_view cls) { return admits(o, info.name, cls); });
}

std::vector<uint32_t> ObjectiveSet::selected_syscalls() const {
  std::vector<uint32_t> nrs;
  for (const auto& info : covered_syscalls()) {
    if (std::any_of(objectives_.begin(), objectives_.end(), [&](const Objective& o) {
          return o.action == ObjectiveAction::record && may_select(o, info);
        })) {
      nrs.push_back(info.nr);
    }
  }
  return nrs;
}

}  // namespace c2audit
