#include "report/report_tally.h"

#include <fmt/format.h>

#include "record/record_fields.h"
#include "record/record_json.h"
#include "record/time_format.h"

namespace c2audit {
namespace {

// Someone did something: a system call or a user message. The daemon's own
// records (lost, config, daemon) have no result.
bool has_result(RecordKind kind) { return kind_bit(kind) & kActionKinds; }

std::string notice_message(const AuditRecord& rec) {
  if (rec.kind != RecordKind::lost) return rec.message;
  return fmt::format("{} events lost on cpu {} between {} and {}", rec.lost_count, rec.cpu,
                     format_rfc3339(rec.window_start_ns, TimePrecision::millis),
                     format_rfc3339(rec.window_end_ns, TimePrecision::millis));
}

std::string_view program_name(const AuditRecord& rec) {
  return rec.exe.empty() ? std::string_view(rec.comm) : std::string_view(rec.exe);
}

void count_objects(KeyTally& objects, const AuditRecord& rec, bool failed) {
  if (!rec.path.empty()) objects.add(rec.path, rec.time_ns, failed);
  if (!rec.path2.empty()) objects.add(rec.path2, rec.time_ns, failed);
  if (!rec.module.empty()) objects.add(rec.module, rec.time_ns, failed);
  if (!rec.addr.empty() && rec.kind == RecordKind::syscall) {
    std::string address = rec.port ? fmt::format("{} port {}", rec.addr, rec.port) : rec.addr;
    objects.add(address, rec.time_ns, failed);
  }
}

// "openat EACCES"; a user message has no errno: "USER_AUTH PAM:authentication".
std::string failure_reason(const AuditRecord& rec) {
  if (rec.kind == RecordKind::user)
    return fmt::format("{} {}", rec.event, rec.op.empty() ? "failed" : rec.op);
  return fmt::format("{} {}", record_event(rec), record_errno(rec));
}

}  // namespace

std::string subject_name(const AuditRecord& rec) {
  if (!rec.user.empty()) return rec.user;
  return fmt::format("uid {}", subject_id(rec));
}

ReportTally::ReportTally(size_t max_keys)
    : classes(max_keys),
      events(max_keys),
      objectives(max_keys),
      criticalities(max_keys),
      users(max_keys),
      programs(max_keys),
      objects(max_keys),
      failure_reasons(max_keys),
      accounts(max_keys) {}

void ReportTally::add(const AuditRecord& rec) {
  bool failed = has_result(rec.kind) && !rec.success;
  std::string_view event_class = record_class(rec);
  all.add(rec.time_ns, failed);
  classes.add(event_class, rec.time_ns, failed);
  events.add(record_event(rec), rec.time_ns, failed);
  series.add(rec.time_ns, class_group(event_class), failed, 0);
  if (!has_result(rec.kind)) {
    ++daemon_records;
    add_notice(rec);
    return;
  }
  (rec.kind == RecordKind::syscall ? syscall_records : user_records)++;
  (failed ? failures : successes)++;
  if (!rec.objective.empty()) objectives.add(rec.objective, rec.time_ns, failed);
  if (!rec.criticality.empty()) criticalities.add(rec.criticality, rec.time_ns, failed);
  std::string unnamed;  // only for a subject the trail holds no name for
  std::string_view user =
      rec.user.empty() ? std::string_view(unnamed = subject_name(rec)) : std::string_view(rec.user);
  users.add(user, rec.time_ns, failed);
  std::string_view program = program_name(rec);
  if (!program.empty()) programs.add(program, rec.time_ns, failed);
  count_objects(objects, rec, failed);
  if (failed) failure_reasons.add(failure_reason(rec), rec.time_ns, true);
  if (rec.kind != RecordKind::user) return;
  if (rec.event == "LOGIN" && rec.success && rec.ses != kUnsetId) {
    ++logins;
    accounts.add(user, rec.time_ns, false);
  } else if (rec.event_class == "auth.login" && failed) {
    ++failed_authentications;
    accounts.add(rec.account.empty() ? user : std::string_view(rec.account), rec.time_ns, true);
  } else if (rec.event_class == "auth.logout") {
    ++logouts;
  }
}

void ReportTally::add_notice(const AuditRecord& rec) {
  uint64_t lost = rec.kind == RecordKind::lost ? rec.lost_count : 0;
  lost_events += lost;
  if (lost) series.add_lost(rec.time_ns, lost);
  notices.push_back(
      {rec.seq, rec.time_ns, std::string(record_event(rec)), notice_message(rec), lost});
}

}  // namespace c2audit
