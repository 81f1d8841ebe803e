#include "policy/objective.h"

#include <algorithm>

#include "common/path_glob.h"

namespace c2audit {
namespace {

template <typename T, typename Pred>
bool any_of(const std::vector<T>& values, Pred pred) {
  return std::any_of(values.begin(), values.end(), pred);
}

bool class_ok(const Objective& o, const AuditRecord& rec) { return wants_class(o, rec.event_class); }

bool event_ok(const Objective& o, const AuditRecord& rec) {
  return o.events.empty() || any_of(o.events, [&](const std::string& e) { return e == rec.event; });
}

// A user entry names the subject id, or, as 4294967295 ("unset"), a process
// that has no login uid at all (a daemon), like Linux Audit's auid=unset.
bool users_ok(const Objective& o, const AuditRecord& rec) {
  uint32_t id = subject_id(rec);
  bool no_login = rec.auid == kUnsetId;
  auto has = [id, no_login](const UserRange& r) {
    return r.contains(id) || (no_login && r.contains(kUnsetId));
  };
  return (o.users.empty() || any_of(o.users, has)) && !any_of(o.exclude_users, has);
}

bool paths_ok(const ObjectiveGlobs& g, const AuditRecord& rec) {
  bool by_names = (g.paths.empty() || g.paths.matches_either(rec.path, rec.path2)) &&
                  !g.exclude_paths.matches_either(rec.path, rec.path2);
  // The object is a watched file reached by another name: judged as that file.
  bool as_watched = !rec.watched_path.empty() && g.paths.matches(rec.watched_path) &&
                    !g.exclude_paths.matches(rec.watched_path);
  return by_names || as_watched;
}

bool program_ok(const ObjectiveGlobs& g, const AuditRecord& rec) {
  return g.programs.empty() || g.programs.matches(rec.exe);
}

// mode_bits and xattrs: what chmod sets, what an xattr call names.
bool attribute_ok(const Objective& o, const ObjectiveGlobs& g, const AuditRecord& rec) {
  if (o.mode_bits != 0 && (rec.mode & o.mode_bits) == 0) return false;
  return g.xattrs.empty() || (!rec.xattr.empty() && g.xattrs.matches(rec.xattr));
}

uint32_t id_of(IdField field, const AuditRecord& rec) {
  switch (field) {
    case IdField::uid: return rec.uid;
    case IdField::euid: return rec.euid;
    case IdField::gid: return rec.gid;
    case IdField::egid: return rec.egid;
    case IdField::auid: return rec.auid;
    case IdField::obj_uid: return rec.obj_uid;
    case IdField::obj_gid: return rec.obj_gid;
  }
  return kUnsetId;
}

bool names_object(IdField field) { return field == IdField::obj_uid || field == IdField::obj_gid; }

// A comparison naming the object's owner holds only for a record with an
// object, as Linux Audit's -C holds only where the syscall touched an inode.
bool comparison_holds(const IdComparison& c, const AuditRecord& rec) {
  if ((names_object(c.left) || names_object(c.right)) && rec.inode == 0) return false;
  return (id_of(c.left, rec) == id_of(c.right, rec)) == c.equal;
}

// Who and from where, beyond users: session, process group, address family,
// id comparisons.
bool context_ok(const Objective& o, const AuditRecord& rec) {
  if (!o.sessions.empty() &&
      !any_of(o.sessions, [&](const UserRange& r) { return r.contains(rec.ses); })) {
    return false;
  }
  if (!o.process_groups.empty() &&
      !any_of(o.process_groups, [&](const UserRange& r) { return r.contains(rec.pgid); })) {
    return false;
  }
  if (!o.families.empty() &&
      !any_of(o.families, [&](const std::string& f) { return f == rec.family; })) {
    return false;
  }
  return std::all_of(o.compare.begin(), o.compare.end(),
                     [&](const IdComparison& c) { return comparison_holds(c, rec); });
}

// The object's type and owner, for a record that has an object.
bool object_ok(const Objective& o, const AuditRecord& rec) {
  if (!o.file_types.empty()) {
    auto named = [&](const std::string& name) {
      return std::any_of(std::begin(kFileTypeNames), std::end(kFileTypeNames),
                         [&](const FileTypeName& t) {
                           return t.name == name && (rec.obj_mode & kFileTypeBits) == t.type;
                         });
    };
    if (rec.inode == 0 || !any_of(o.file_types, named)) return false;
  }
  return o.file_owners.empty() ||
         (rec.inode != 0 &&
          any_of(o.file_owners, [&](const UserRange& r) { return r.contains(rec.obj_uid); }));
}

bool result_ok(const Objective& o, const AuditRecord& rec) {
  if (o.result == ResultSelector::success && !rec.success) return false;
  if (o.result == ResultSelector::failure && rec.success) return false;
  return o.errors.empty() ||
         any_of(o.errors, [&](const std::string& e) { return !rec.success && e == rec.errno_name; });
}

}  // namespace

bool class_matches(std::string_view pattern, std::string_view event_class) {
  if (pattern.ends_with(".*")) {
    pattern.remove_suffix(1);  // keep the dot: "admin." is a family prefix
    return event_class.starts_with(pattern);
  }
  return pattern == event_class;
}

bool wants_class(const Objective& o, std::string_view cls) {
  return o.classes.empty() ||
         any_of(o.classes, [&](const std::string& c) { return class_matches(c, cls); });
}

ObjectiveGlobs::ObjectiveGlobs(const Objective& o)
    : paths(o.paths), exclude_paths(o.exclude_paths), programs(o.programs), xattrs(o.xattrs) {}

std::string first_mismatch(const Objective& o, const AuditRecord& rec) {
  ObjectiveGlobs globs(o);
  if (!class_ok(o, rec)) return "class " + rec.event_class + " is not among its classes";
  if (!event_ok(o, rec)) return "event " + rec.event + " is not among its events";
  if (!result_ok(o, rec)) return "the result (or errno) is not the one it wants";
  if (!users_ok(o, rec)) return "user id " + std::to_string(subject_id(rec)) + " is not selected";
  if (!paths_ok(globs, rec)) return "path '" + rec.path + "' is not selected by its paths";
  if (!program_ok(globs, rec)) return "program '" + rec.exe + "' is not among its programs";
  if (!attribute_ok(o, globs, rec)) return "the mode or xattr set is not one it selects";
  if (!context_ok(o, rec)) return "the session, process group, address family or an id comparison does not hold";
  if (!object_ok(o, rec)) return "the object's type or owner is not one it selects";
  return {};
}

bool has_user_space_criteria(const Objective& o) {
  return !o.paths.empty() || !o.exclude_paths.empty() || !o.programs.empty() ||
         o.mode_bits != 0 || !o.xattrs.empty() || !o.sessions.empty() ||
         !o.process_groups.empty() || !o.families.empty() ||
         !o.file_types.empty() || !o.file_owners.empty() || !o.compare.empty();
}

bool objective_matches(const Objective& o, const ObjectiveGlobs& globs, const AuditRecord& rec) {
  return event_ok(o, rec) && class_ok(o, rec) && result_ok(o, rec) && users_ok(o, rec) &&
         paths_ok(globs, rec) && program_ok(globs, rec) && attribute_ok(o, globs, rec) &&
         context_ok(o, rec) && object_ok(o, rec);
}

bool objective_matches(const Objective& o, const AuditRecord& rec) {
  return objective_matches(o, ObjectiveGlobs(o), rec);
}

}  // namespace c2audit
