#include "record/record_json.h"

#include <fmt/format.h>
#include <linux/fs.h>

#include <cstdint>
#include <cstring>

#include "record/time_format.h"

namespace c2audit {
namespace {

// Built in insertion order so a line reads seq, time, event, class, ... first.
using json = nlohmann::ordered_json;

constexpr std::string_view kExecClass = "process.exec";

void put_if_set(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

void put_time(json& j, const char* key, int64_t ns) { j[key] = format_rfc3339(ns); }

// A kernel device number (major << 20 | minor) as ls and stat print it.
std::string device_text(uint32_t dev) {
  return std::to_string(dev >> kDeviceMinorBits) + ":" + std::to_string(dev & kDeviceMinorMask);
}

json header(const AuditRecord& rec) {
  json j = json::object();
  j["seq"] = rec.seq;
  put_time(j, "time", rec.time_ns);
  j["event"] = record_event(rec);
  j["class"] = record_class(rec);
  return j;
}

void put_outcome(json& j, const AuditRecord& rec) {
  j["result"] = rec.success ? "success" : "failure";
  j["ret"] = rec.ret;
  if (!rec.success) j["errno"] = record_errno(rec);
}

void put_subject(json& j, const AuditRecord& rec) {
  j["pid"] = rec.pid;
  j["tid"] = rec.tid;
  j["ppid"] = rec.ppid;
  j["uid"] = rec.uid;
  j["euid"] = rec.euid;
  j["gid"] = rec.gid;
  j["egid"] = rec.egid;
  j["auid"] = rec.auid;
  j["ses"] = rec.ses;
  put_if_set(j, "user", rec.user);
  put_if_set(j, "comm", rec.comm);
  put_if_set(j, "exe", rec.exe);
  put_if_set(j, "tty", rec.tty);
  if (rec.cgroup_id != 0) j["cgroup_id"] = rec.cgroup_id;
}

void put_object(json& j, const AuditRecord& rec) {
  put_if_set(j, "path", rec.path);
  if (rec.path_unresolved) j["path_unresolved"] = true;
  put_if_set(j, "path2", rec.path2);
  if (rec.path2_unresolved) j["path2_unresolved"] = true;
  if (!rec.argv.empty() || rec.event_class == kExecClass) j["argv"] = rec.argv;
  if (rec.argv_truncated) j["argv_truncated"] = true;
  if (!rec.addr.empty()) {
    j["addr"] = rec.addr;
    j["port"] = rec.port;
  }
  if (rec.flags != 0) j["flags"] = rec.flags;
  if (rec.mode != 0) j["mode"] = rec.mode;
  put_if_set(j, "xattr", rec.xattr);
  put_if_set(j, "request", record_request(rec));
  if (rec.inode != 0) {
    j["inode"] = rec.inode;
    j["dev"] = device_text(rec.dev);
  }
  put_if_set(j, "watched_path", rec.watched_path);
}

json syscall_json(const AuditRecord& rec) {
  json j = header(rec);
  put_outcome(j, rec);
  put_subject(j, rec);
  put_object(j, rec);
  put_if_set(j, "objective", rec.objective);
  put_if_set(j, "criticality", rec.criticality);
  j["syscall"] = rec.syscall_nr;
  j["arch"] = rec.ia32 ? "i386" : "x86_64";  // the table `syscall` is from (auditd's names)
  if (rec.io_uring) j["io_uring"] = true;
  return j;
}

// A kernel audit user message: the sender (subject), what it says it did,
// to which account, from where.
json user_json(const AuditRecord& rec) {
  json j = header(rec);
  j["result"] = rec.success ? "success" : "failure";
  j["pid"] = rec.pid;
  j["uid"] = rec.uid;
  j["auid"] = rec.auid;
  j["ses"] = rec.ses;
  put_if_set(j, "user", rec.user);
  put_if_set(j, "exe", rec.exe);
  put_if_set(j, "tty", rec.tty);
  put_if_set(j, "op", rec.op);
  put_if_set(j, "account", rec.account);
  put_if_set(j, "service", rec.service);
  put_if_set(j, "hostname", rec.hostname);
  put_if_set(j, "addr", rec.addr);
  put_if_set(j, "command", rec.command);
  put_if_set(j, "objective", rec.objective);
  put_if_set(j, "criticality", rec.criticality);
  return j;
}

json lost_json(const AuditRecord& rec) {
  json j = header(rec);
  j["count"] = rec.lost_count;
  j["cpu"] = rec.cpu;
  put_time(j, "window_start", rec.window_start_ns);
  put_time(j, "window_end", rec.window_end_ns);
  return j;
}

json message_json(const AuditRecord& rec) {
  json j = header(rec);
  j["message"] = rec.message;
  if (rec.pid != 0) j["pid"] = rec.pid;
  if (rec.pid != 0 || !rec.user.empty()) j["uid"] = rec.uid;
  put_if_set(j, "user", rec.user);
  return j;
}

json build(const AuditRecord& rec) {
  switch (rec.kind) {
    case RecordKind::lost:
      return lost_json(rec);
    case RecordKind::config:
    case RecordKind::daemon:
      return message_json(rec);
    case RecordKind::user:
      return user_json(rec);
    case RecordKind::syscall:
      break;
  }
  return syscall_json(rec);
}

}  // namespace

std::string_view record_event(const AuditRecord& rec) {
  switch (rec.kind) {
    case RecordKind::lost:
      return "lost";
    case RecordKind::config:
      return "config";
    case RecordKind::daemon:
      return "daemon";
    case RecordKind::syscall:
    case RecordKind::user:
      break;
  }
  return rec.event;
}

std::string record_request(const AuditRecord& rec) {
  switch (rec.request) {
    case 0:
      return {};
    case FS_IOC_SETFLAGS:
      return "FS_IOC_SETFLAGS";
    case FS_IOC32_SETFLAGS:
      return "FS_IOC32_SETFLAGS";
    case FS_IOC_FSSETXATTR:
      return "FS_IOC_FSSETXATTR";
  }
  return fmt::format("{:#010x}", rec.request);
}

std::string_view record_class(const AuditRecord& rec) {
  switch (rec.kind) {
    case RecordKind::lost:
      return "audit.lost";
    case RecordKind::config:
      return "audit.config";
    case RecordKind::daemon:
      return "audit.daemon";
    case RecordKind::syscall:
    case RecordKind::user:
      break;
  }
  return rec.event_class;
}

std::string record_errno(const AuditRecord& rec) {
  if (rec.success) return {};
  if (!rec.errno_name.empty()) return rec.errno_name;
  if (rec.ret >= 0 || rec.ret < -INT32_MAX) return "unknown";
  if (const char* name = strerrorname_np(static_cast<int>(-rec.ret))) return name;
  return std::to_string(-rec.ret);
}

nlohmann::json to_json(const AuditRecord& rec) { return nlohmann::json(build(rec)); }

std::string to_json_line(const AuditRecord& rec) {
  constexpr int kCompact = -1;
  return build(rec).dump(kCompact, ' ', false, json::error_handler_t::replace);
}

}  // namespace c2audit
