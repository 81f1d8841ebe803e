#include "forward/syslog_message.h"

#include <fmt/format.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <climits>
#include <fstream>

#include "common/hex.h"
#include "record/record_json.h"
#include "record/time_format.h"

namespace c2audit {
namespace {

constexpr int kFacilityLogAudit = 13;  // RFC 5424, table 1
constexpr int kSeverityWarning = 4;
constexpr int kSeverityNotice = 5;
constexpr size_t kMaxHostName = 255;   // RFC 5424 HOSTNAME
constexpr size_t kMaxMsgId = 32;       // RFC 5424 MSGID
constexpr size_t kHostIdBytes = 16;

// RFC 5424's header fields take printable US-ASCII without spaces.
std::string header_field(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out += (c > ' ' && c < 0x7f) ? c : '_';
  return out.empty() ? "-" : out;
}

// A field's value as text: strings as they are, numbers and arrays as JSON.
std::string value_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string joined;
    for (const auto& item : value) {
      if (!joined.empty()) joined += ' ';
      joined += value_text(item);
    }
    return joined;
  }
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A SNARE field holds no tab and no line break.
std::string snare_value(std::string text) {
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

std::string snare_body(const AuditRecord& rec, const HostIdentity& host) {
  nlohmann::json fields = to_json(rec);
  std::string body = fmt::format("{}\tLinuxAudit\t{}\thost_id={}", host.name, record_event(rec), host.id);
  for (const auto& [name, value] : fields.items()) {
    body += fmt::format("\t{}={}", name, snare_value(value_text(value)));
  }
  return body;
}

// CEF escapes: '|' and '\' in the header; '\', '=' and line breaks in values.
std::string cef_escape(std::string_view text, bool header) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || (header && c == '|') || (!header && c == '=')) out += '\\';
    if (!header && (c == '\n' || c == '\r')) {
      out += c == '\n' ? "\\n" : "\\r";
      continue;
    }
    out += c;
  }
  return out;
}

int cef_severity(const AuditRecord& rec) {
  if (rec.kind == RecordKind::lost) return 7;
  if (rec.criticality == "critical") return 10;
  if (rec.criticality == "high") return 8;
  if (rec.criticality == "medium") return 5;
  if (rec.criticality == "low") return 3;
  return 1;
}

// CEF's own keys where the dictionary has one; the rest under their names.
std::string cef_key(std::string_view field) {
  static const std::pair<std::string_view, std::string_view> kKeys[] = {
      {"user", "suser"}, {"uid", "suid"},       {"pid", "spid"},     {"comm", "sproc"},
      {"exe", "deviceProcessName"}, {"path", "filePath"}, {"result", "outcome"},
      {"class", "cat"},  {"addr", "dst"},       {"port", "dpt"},     {"message", "msg"}};
  for (const auto& [name, key] : kKeys) {
    if (name == field) return std::string(key);
  }
  return std::string(field);
}

std::string cef_body(const AuditRecord& rec, const HostIdentity& host) {
  std::string body = fmt::format("CEF:0|c2audit|c2audit|1|{}|{}|{}|dvchost={} rt={}",
                                 cef_escape(record_event(rec), true), cef_escape(record_class(rec), true),
                                 cef_severity(rec), cef_escape(host.name, false), rec.time_ns / 1'000'000);
  body += " cs6Label=host_id cs6=" + host.id;
  nlohmann::json fields = to_json(rec);
  for (const auto& [name, value] : fields.items()) {
    if (name == "time" || name == "event") continue;  // rt, and the header
    body += fmt::format(" {}={}", cef_escape(cef_key(name), false), cef_escape(value_text(value), false));
  }
  return body;
}

// The record's line as `search --json` prints it, fields in the same order,
// with the host's two after them.
std::string json_body(const AuditRecord& rec, const HostIdentity& host) {
  std::string line = to_json_line(rec);
  if (line.empty() || line.back() != '}') return line;
  line.pop_back();
  nlohmann::json name = host.name;  // escaped as JSON wants
  line += fmt::format(R"(,"host":{},"host_id":"{}"}})", name.dump(), host.id);
  return line;
}

std::string host_id_of(std::string_view source) {
  std::string labelled = fmt::format("c2audit host id\n{}", source);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(labelled.data()), labelled.size(), digest);
  return to_hex(std::span<const uint8_t>(digest, kHostIdBytes));
}

}  // namespace

Result<ForwardFormat> parse_forward_format(std::string_view name) {
  if (name == "json") return ForwardFormat::json;
  if (name == "snare") return ForwardFormat::snare;
  if (name == "cef") return ForwardFormat::cef;
  return fail(fmt::format("format '{}' is not one of json, snare, cef", name));
}

HostIdentity local_host_identity() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0) name[0] = '\0';
  HostIdentity host{header_field(name, kMaxHostName), {}};
  std::string machine_id;
  std::ifstream("/etc/machine-id") >> machine_id;
  host.id = host_id_of(machine_id.empty() ? host.name : machine_id);
  return host;
}

std::string syslog_message(const AuditRecord& rec, const HostIdentity& host, ForwardFormat format) {
  int severity = rec.kind == RecordKind::lost ? kSeverityWarning : kSeverityNotice;
  std::string message = fmt::format("<{}>1 {} {} c2audit - {} - ", kFacilityLogAudit * 8 + severity,
                                    format_rfc3339(rec.time_ns, TimePrecision::micros), host.name,
                                    header_field(record_event(rec), kMaxMsgId));
  switch (format) {
    case ForwardFormat::json: return message + json_body(rec, host);
    case ForwardFormat::snare: return message + snare_body(rec, host);
    case ForwardFormat::cef: return message + cef_body(rec, host);
  }
  return message;
}

}  // namespace c2audit
