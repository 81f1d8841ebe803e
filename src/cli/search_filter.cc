#include "cli/search_filter.h"

#include <algorithm>

#include "common/decimal.h"
#include "common/path_glob.h"
#include "record/record_json.h"

namespace c2audit::cli {
namespace {

// ---- the individual filters

bool contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool user_matches(std::string_view wanted, const AuditRecord& rec) {
  if (!rec.user.empty() && wanted == rec.user) return true;
  auto id = parse_decimal<uint32_t>(wanted);
  if (!id) return false;
  return *id == subject_id(rec);
}

bool class_matches(std::string_view wanted, std::string_view cls) {
  if (wanted == "*") return true;
  if (wanted.ends_with(".*")) return cls.starts_with(wanted.substr(0, wanted.size() - 1));
  return cls == wanted ||
         (cls.size() > wanted.size() && cls.starts_with(wanted) && cls[wanted.size()] == '.');
}

template <typename Pred>
bool any_or_none(const std::vector<std::string>& wanted, Pred pred) {
  return wanted.empty() || std::any_of(wanted.begin(), wanted.end(), pred);
}

bool kind_filters_match(const SearchFilter& f, const AuditRecord& rec) {
  std::string_view cls = record_class(rec);
  return (f.events.empty() || contains(f.events, record_event(rec))) &&
         any_or_none(f.classes, [&](const std::string& c) { return class_matches(c, cls); });
}

bool syscall_filters_match(const SearchFilter& f, const AuditRecord& rec) {
  return any_or_none(f.users, [&](const std::string& u) { return user_matches(u, rec); }) &&
         (!f.pid || rec.pid == *f.pid) &&
         (f.path_globs.empty() || f.path_globs.matches_either(rec.path, rec.path2) ||
          (!rec.watched_path.empty() && f.path_globs.matches(rec.watched_path))) &&
         (!f.success || rec.success == *f.success) &&
         (f.objectives.empty() || contains(f.objectives, rec.objective)) &&
         (!f.session || rec.ses == *f.session);
}

}  // namespace

bool time_matches(const SearchFilter& f, const AuditRecord& rec) {
  return (!f.since_ns || rec.time_ns >= *f.since_ns) && (!f.until_ns || rec.time_ns <= *f.until_ns);
}

bool SearchFilter::has_syscall_filter() const {
  return !users.empty() || pid || !path_globs.empty() || success || !objectives.empty() ||
         session;
}

bool matches(const SearchFilter& filter, const AuditRecord& rec) {
  if (!time_matches(filter, rec) || !kind_filters_match(filter, rec)) return false;
  if (rec.kind != RecordKind::syscall && rec.kind != RecordKind::user) {
    // Past kind_filters_match, a non-empty `events` names this record's event.
    return !filter.has_syscall_filter() || !filter.events.empty();
  }
  return syscall_filters_match(filter, rec);
}


}  // namespace c2audit::cli
