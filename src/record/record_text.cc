#include "record/record_text.h"

#include <fmt/format.h>

#include "record/record_json.h"
#include "record/time_format.h"

namespace c2audit {
namespace {

constexpr unsigned char kFirstPrintable = 0x20;
constexpr unsigned char kDelete = 0x7f;

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == kDelete || c == '"' || c == '\\' || c == '=') return true;
  }
  return false;
}

// The value as it is, or double-quoted with C escapes when it would not read
// back as one word.
std::string quote_value(std::string_view value) {
  if (!needs_quotes(value)) return std::string(value);
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < kFirstPrintable || c == kDelete) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Appends " key=value" when value is not empty.
void field(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  out += fmt::format(" {}={}", key, quote_value(value));
}

// "1000(alice)" when the name is known for this id, else "1000".
std::string id_with_name(uint32_t id, const std::string& name) {
  if (name.empty()) return std::to_string(id);
  return fmt::format("{}({})", id, quote_value(name));
}

std::string head(const AuditRecord& rec) {
  return fmt::format("{} #{} {} {}", format_rfc3339(rec.time_ns, TimePrecision::millis), rec.seq,
                     quote_value(record_event(rec)), quote_value(record_class(rec)));
}

void subject(std::string& out, const AuditRecord& rec) {
  bool auid_set = rec.auid != kUnsetId;
  // `user` names auid when it is set, else uid.
  out += fmt::format(" pid={} uid={}", rec.pid,
                     id_with_name(rec.uid, auid_set && rec.auid != rec.uid ? "" : rec.user));
  if (rec.euid != rec.uid) out += fmt::format(" euid={}", rec.euid);
  if (auid_set) out += fmt::format(" auid={}", id_with_name(rec.auid, rec.user));
  if (rec.ses != kUnsetId) out += fmt::format(" ses={}", rec.ses);
  field(out, "tty", rec.tty);
  field(out, "comm", rec.comm);
  field(out, "exe", rec.exe);
}

void object(std::string& out, const AuditRecord& rec) {
  field(out, "path", rec.path);
  if (rec.path_unresolved) out += " path_unresolved=true";
  field(out, "path2", rec.path2);
  if (rec.path2_unresolved) out += " path2_unresolved=true";
  field(out, "watched_path", rec.watched_path);  // reached by another name: worth a look
  if (!rec.argv.empty()) {
    out += " argv=[";
    for (size_t i = 0; i < rec.argv.size(); ++i) {
      if (i != 0) out += ' ';
      out += quote_value(rec.argv[i]);
    }
    out += rec.argv_truncated ? " ...]" : "]";
  }
  if (!rec.addr.empty()) out += fmt::format(" addr={} port={}", quote_value(rec.addr), rec.port);
  if (rec.mode != 0) out += fmt::format(" mode={:04o}", rec.mode);
  field(out, "xattr", rec.xattr);
  if (rec.request != 0)
    out += fmt::format(" request={} flags={:#x}", record_request(rec), rec.flags);
  field(out, "objective", rec.objective);
  field(out, "criticality", rec.criticality);
}

std::string syscall_text(const AuditRecord& rec) {
  std::string out = head(rec);
  out += rec.success ? " success" : fmt::format(" failure({})", record_errno(rec));
  if (rec.ia32) out += " arch=i386";  // rare, and worth a look: shown only then
  if (rec.io_uring) out += " io_uring=true";
  subject(out, rec);
  object(out, rec);
  return out;
}

std::string user_text(const AuditRecord& rec) {
  std::string out = head(rec);
  out += rec.success ? " success" : " failure";
  subject(out, rec);
  field(out, "op", rec.op);
  field(out, "account", rec.account);
  field(out, "service", rec.service);
  field(out, "hostname", rec.hostname);
  field(out, "addr", rec.addr);
  field(out, "command", rec.command);
  field(out, "objective", rec.objective);
  field(out, "criticality", rec.criticality);
  return out;
}

std::string lost_text(const AuditRecord& rec) {
  return fmt::format("{} count={} cpu={} window={}..{}", head(rec), rec.lost_count, rec.cpu,
                     format_rfc3339(rec.window_start_ns, TimePrecision::millis),
                     format_rfc3339(rec.window_end_ns, TimePrecision::millis));
}

std::string message_text(const AuditRecord& rec) {
  std::string out = head(rec);
  if (rec.pid != 0) out += fmt::format(" pid={}", rec.pid);
  if (!rec.user.empty()) out += fmt::format(" uid={}", id_with_name(rec.uid, rec.user));
  out += fmt::format(" message={}", quote_value(rec.message));
  return out;
}

}  // namespace

std::string to_text(const AuditRecord& rec) {
  switch (rec.kind) {
    case RecordKind::lost:
      return lost_text(rec);
    case RecordKind::config:
    case RecordKind::daemon:
      return message_text(rec);
    case RecordKind::user:
      return user_text(rec);
    case RecordKind::syscall:
      break;
  }
  return syscall_text(rec);
}

}  // namespace c2audit
