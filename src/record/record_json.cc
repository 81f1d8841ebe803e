#include "record/record_json.h"

#include <fmt/format.h>
#include <linux/fs.h>

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "common/hex.h"
#include "common/utf8.h"
#include "record/record_fields.h"
#include "record/time_format.h"

namespace c2audit {
namespace {

// Built in insertion order so a line reads seq, time, event, class, ... first.
using json = nlohmann::ordered_json;

constexpr std::string_view kExecClass = "process.exec";

// seq, time, event, class, and what came of it: the keys a reader looks for first.
json header(const AuditRecord& rec) {
  json j = json::object();
  j["seq"] = rec.seq;
  j["time"] = format_rfc3339(rec.time_ns);
  j["event"] = record_event(rec);
  j["class"] = record_class(rec);
  if (kind_bit(rec.kind) & kActionKinds) j["result"] = rec.success ? "success" : "failure";
  if (rec.kind == RecordKind::syscall) {
    j["ret"] = rec.ret;
    if (!rec.success) j["errno"] = record_errno(rec);
  }
  return j;
}

// Adds the fields record_fields.h gives the record's kind, as each looks.
struct JsonFields {
  const AuditRecord& rec;
  json& j;
  ShownFields rule{rec.kind, ShownFields::shown_where_always};
  json hex_names = json::array();  // the values given as hex: JSON's "hex"

  // JSON strings are Unicode: bytes that are not UTF-8 (a path or an
  // argument may hold any) go as hex, named in "hex", so no two values
  // print alike and every byte can be read back.
  std::string text_or_hex(const std::string& value, std::string name) {
    if (is_utf8(value)) return value;
    hex_names.push_back(std::move(name));
    return to_hex({reinterpret_cast<const uint8_t*>(value.data()), value.size()});
  }

  bool wanted(const FieldSpec& spec, bool set) { return rule.shows(spec, set) && !spec.by_hand; }

  void operator()(const FieldSpec& spec, const std::string& value) {
    if (wanted(spec, !value.empty())) j[spec.name] = text_or_hex(value, std::string(spec.name));
  }
  void operator()(const FieldSpec& spec, const std::vector<std::string>& argv) {
    // An exec without arguments says so with [].
    if (!wanted(spec, !argv.empty() || rec.event_class == kExecClass)) return;
    json list = json::array();
    for (size_t i = 0; i < argv.size(); ++i) {
      list.push_back(text_or_hex(argv[i], fmt::format("{}[{}]", spec.name, i)));
    }
    j[spec.name] = std::move(list);
  }
  template <typename Number>
  void operator()(const FieldSpec& spec, Number value, Number absent) {
    if (!wanted(spec, value != absent)) return;
    if constexpr (std::is_same_v<Number, bool>) {
      if (spec.look == Look::arch) {
        j[spec.name] = arch_name(value);  // the table `syscall` is from
      } else {
        j[spec.name] = value;
      }
    } else if (spec.look == Look::time) {
      j[spec.name] = format_rfc3339(static_cast<int64_t>(value));
    } else if (spec.look == Look::device) {
      j[spec.name] = device_text(static_cast<uint32_t>(value));
    } else if (spec.look == Look::request) {
      j[spec.name] = record_request(rec);
    } else {
      j[spec.name] = value;
    }
  }
};

json build(const AuditRecord& rec) {
  json j = header(rec);
  JsonFields fields{rec, j};
  for_each_field(rec, fields);
  if (!fields.hex_names.empty()) j["hex"] = std::move(fields.hex_names);
  return j;
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

std::string_view arch_name(bool ia32) { return ia32 ? "i386" : "x86_64"; }

std::string device_text(uint32_t dev) {
  return std::to_string(dev >> kDeviceMinorBits) + ":" + std::to_string(dev & kDeviceMinorMask);
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
