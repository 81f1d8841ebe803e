#include "policy/auditd_import.h"

#include <toml++/toml.h>

#include <deque>
#include <optional>
#include <set>
#include <sstream>

#include "policy/auditd_convert.h"
#include "policy/auditd_rule.h"

namespace c2audit {
namespace {

// A converted rule and the line it came from, for the comment above it.
struct SourcedObjective {
  int line;
  std::string text;
  ImportedObjective objective;
  std::vector<std::string> approximations;  // repeated in the file, where a reviewer looks
};

// TOML documents must be UTF-8, so a line that is not (a path in another
// encoding) cannot be carried over. Rejects overlong forms and surrogates too.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80           ? 0
                : (c >> 5) == 0x6  ? 1
                : (c >> 4) == 0xE  ? 2
                : (c >> 3) == 0x1E ? 3
                                   : -1;
    if (extra < 0 || s.size() - i <= static_cast<size_t>(extra)) return false;
    uint32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// Comments may not hold control characters (TOML 1.0), so they are masked.
std::string comment_text(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) c = '?';
  }
  return out;
}

// Objective names end up in search filters and record fields: keep them to
// letters, digits and . _ - so they never need quoting anywhere.
std::string sanitize_name(std::string_view key) {
  std::string name(key);
  for (char& c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) c = '-';
  }
  return name;
}

// Several rules often share a key ("-k identity" on each file): key, key-2, ...
std::string unique_name(std::string base, std::set<std::string>& taken) {
  std::string name = base;
  for (int n = 2; taken.contains(name); ++n) name = base + "-" + std::to_string(n);
  taken.insert(name);
  return name;
}

constexpr auto kFormat =
    toml::format_flags::allow_unicode_strings | toml::format_flags::indentation;

void emit_string(std::ostream& out, std::string_view key, const std::string& value) {
  out << key << " = " << toml::toml_formatter{toml::value<std::string>(value), kFormat} << '\n';
}

void emit_list(std::ostream& out, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  toml::array array;
  for (const auto& v : values) array.push_back(v);
  out << key << " = " << toml::toml_formatter{array, kFormat} << '\n';
}

void emit_users(std::ostream& out, std::string_view key, const std::vector<UserSelector>& users) {
  if (users.empty()) return;
  toml::array array;
  for (const auto& u : users) std::visit([&](const auto& v) { array.push_back(v); }, u);
  out << key << " = " << toml::toml_formatter{array, kFormat} << '\n';
}

void emit_objective(std::ostream& out, const SourcedObjective& s, std::string_view source) {
  const ImportedObjective& o = s.objective;
  out << "\n# " << comment_text(source) << ":" << s.line << ": " << comment_text(s.text) << '\n';
  for (const auto& why : s.approximations) out << "# approximation: " << comment_text(why) << '\n';
  out << "[[objective]]\n";
  emit_string(out, "name", o.name);
  emit_list(out, "classes", o.classes);
  emit_list(out, "events", o.events);
  emit_users(out, "users", o.users);
  emit_users(out, "exclude_users", o.exclude_users);
  emit_list(out, "paths", o.paths);
  emit_list(out, "exclude_paths", o.exclude_paths);
  emit_list(out, "programs", o.programs);
  emit_users(out, "sessions", o.sessions);
  emit_list(out, "families", o.families);
  emit_list(out, "file_types", o.file_types);
  emit_users(out, "file_owners", o.file_owners);
  emit_list(out, "compare", o.compare);
  emit_string(out, "result", o.result);
  emit_list(out, "errors", o.errors);
  emit_string(out, "criticality", "medium");
  emit_string(out, "action", o.action);
}

std::string emit_file(const std::deque<SourcedObjective>& objectives, std::string_view source) {
  std::ostringstream out;
  out << "# c2audit objectives converted from the Linux Audit rules in " << comment_text(source)
      << ".\n"
         "# Objectives keep the rules' order (-A rules first); the first match wins.\n"
         "# Criticality is \"medium\" throughout: audit rules carry no severity.\n"
         "# auid>=N becomes the user range \"N-"
      << kMaxUserId << "\": " << kUnsetId
      << " is the unset\n"
         "# login uid, which names no user (rules exclude it with auid!=unset).\n";
  for (const auto& s : objectives) emit_objective(out, s, source);
  return out.str();
}

// Lines of the rules text, without "\n" or a DOS "\r".
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// Converts one line; nothing for a line that is not a rule or was skipped
// (then noted in `result`).
std::optional<SourcedObjective> convert_line(int number, std::string_view line,
                                             AuditdImport& result, bool& prepend) {
  auto note = [&](std::string why) {
    return ImportNote{number, std::string(line), std::move(why)};
  };
  if (!valid_utf8(line)) {
    result.skipped.push_back(note("not valid UTF-8"));
    return std::nullopt;
  }
  auto rule = parse_auditd_line(line);
  if (!rule) {
    result.skipped.push_back(note(rule.error().message));
    return std::nullopt;
  }
  if (rule->kind == AuditdRule::Kind::not_a_rule) return std::nullopt;
  std::vector<std::string> approximations;
  auto objective = convert_auditd_rule(*rule, approximations);
  if (!objective) {
    result.skipped.push_back(note(objective.error().message));
    return std::nullopt;
  }
  for (const auto& why : approximations) result.approximations.push_back(note(why));
  prepend = rule->prepend;
  return SourcedObjective{number, std::string(line), std::move(*objective),
                          std::move(approximations)};
}

}  // namespace

AuditdImport import_auditd_rules(std::string_view rules_text, std::string_view source_name) {
  AuditdImport result;
  std::deque<SourcedObjective> objectives;
  std::set<std::string> names;
  auto lines = split_lines(rules_text);
  for (size_t i = 0; i < lines.size(); ++i) {
    int number = static_cast<int>(i) + 1;
    bool prepend = false;
    auto converted = convert_line(number, lines[i], result, prepend);
    if (!converted) continue;
    std::string& name = converted->objective.name;
    name = sanitize_name(name);
    if (name.empty()) name = "auditd-line-" + std::to_string(number);
    name = unique_name(name, names);
    // -A puts a rule at the head of its list: it is tried before earlier rules.
    if (prepend) {
      objectives.push_front(std::move(*converted));
    } else {
      objectives.push_back(std::move(*converted));
    }
  }
  result.converted = static_cast<int>(objectives.size());
  result.toml = emit_file(objectives, source_name);
  return result;
}

}  // namespace c2audit
