#include "record/record_text.h"

#include <fmt/format.h>

#include <csignal>
#include <cstring>
#include <type_traits>

#include "common/utf8.h"
#include "record/record_fields.h"
#include "record/record_json.h"
#include "record/time_format.h"

namespace c2audit {
namespace {

constexpr unsigned char kFirstPrintable = 0x20;
constexpr unsigned char kDelete = 0x7f;
constexpr unsigned char kFirstNonAscii = 0x80;

bool needs_quotes(std::string_view value) {
  if (value.empty() || !is_utf8(value)) return true;
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = value[i];
    if (c <= ' ' || c == kDelete || c == '"' || c == '\\' || c == '=') return true;
    if (wide_control_at(value, i)) return true;
  }
  return false;
}

// The value as it is, or double-quoted with C escapes when it would not read
// back as one word or holds a control character. Bytes that are not UTF-8
// are escaped too: a terminal would show them all alike.
std::string quote_value(std::string_view value) {
  if (!needs_quotes(value)) return std::string(value);
  bool escape_high = !is_utf8(value);
  std::string out = "\"";
  size_t escape_until = 0;  // the end of a wide control character being escaped
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = value[i];
    if (i >= escape_until) escape_until = i + wide_control_at(value, i);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < kFirstPrintable || c == kDelete || (escape_high && c >= kFirstNonAscii) ||
               i < escape_until) {
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

// Who: pid uid(name) and, where they say more, euid auid(name) ses tty comm
// exe. A config or daemon record names only its sender.
void subject(std::string& out, const AuditRecord& rec) {
  if (!(kind_bit(rec.kind) & kActionKinds)) {
    if (rec.pid != 0) out += fmt::format(" pid={}", rec.pid);
    if (!rec.user.empty()) out += fmt::format(" uid={}", id_with_name(rec.uid, rec.user));
    return;
  }
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

// SIGKILL for 9; the number when it names no signal.
std::string signal_text(uint32_t signal) {
  if (signal == 0) return "0";  // kill -0: a probe, nothing sent
  const char* abbrev = sigabbrev_np(static_cast<int>(signal));  // null past the last
  return abbrev ? fmt::format("SIG{}", abbrev) : std::to_string(signal);
}

// Adds " name=value" for the fields record_fields.h gives the record's kind
// and the text line does not write by hand.
struct TextFields {
  const AuditRecord& rec;
  std::string& out;
  ShownFields rule{rec.kind, ShownFields::left_out};

  bool wanted(const FieldSpec& spec, bool set) {
    return rule.shows(spec, set) && spec.text == InText::when_set;
  }
  void put(const FieldSpec& spec, std::string_view value) {
    out += fmt::format(" {}={}", spec.name, value);
  }

  void operator()(const FieldSpec& spec, const std::string& value) {
    if (wanted(spec, !value.empty())) put(spec, quote_value(value));
  }
  void operator()(const FieldSpec& spec, const std::vector<std::string>& argv) {
    if (!wanted(spec, !argv.empty())) return;
    std::string list = "[";
    for (size_t i = 0; i < argv.size(); ++i) {
      if (i != 0) list += ' ';
      list += quote_value(argv[i]);
    }
    put(spec, list + (rec.argv_truncated ? " ...]" : "]"));
  }
  template <typename Number>
  void operator()(const FieldSpec& spec, Number value, Number absent) {
    if (!wanted(spec, value != absent)) return;
    if constexpr (std::is_same_v<Number, bool>) {
      put(spec, spec.look == Look::arch ? arch_name(value) : (value ? "true" : "false"));
    } else {
      put(spec, number_text(spec.look, value));
    }
  }

  template <typename Number>
  std::string number_text(Look look, Number value) const {
    switch (look) {
      case Look::time:
        return format_rfc3339(static_cast<int64_t>(value), TimePrecision::millis);
      case Look::signal:
        return signal_text(static_cast<uint32_t>(value));
      case Look::device:
        return device_text(static_cast<uint32_t>(value));
      case Look::octal:
        return fmt::format("{:04o}", value);
      case Look::hex:
        return fmt::format("{:#x}", value);
      case Look::request:
        return record_request(rec);
      case Look::plain:
      case Look::arch:
        break;
    }
    return std::to_string(value);
  }
};

std::string result(const AuditRecord& rec) {
  switch (rec.kind) {
    case RecordKind::syscall:
      return rec.success ? " success" : fmt::format(" failure({})", quote_value(record_errno(rec)));
    case RecordKind::user:
      return rec.success ? " success" : " failure";
    case RecordKind::lost:
    case RecordKind::config:
    case RecordKind::daemon:
      break;
  }
  return {};
}

}  // namespace

std::string to_text(const AuditRecord& rec) {
  std::string out = head(rec) + result(rec);
  subject(out, rec);
  for_each_field(rec, TextFields{rec, out});
  return out;
}

}  // namespace c2audit
