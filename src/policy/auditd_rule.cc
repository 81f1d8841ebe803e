#include "policy/auditd_rule.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace c2audit {
namespace {

// auditctl options that configure the kernel rather than add a rule. A rules
// file is full of them (-D first, -e last); they are not errors.
bool is_control_option(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kControl = {"-D",
                                                                "-b",
                                                                "-f",
                                                                "-e",
                                                                "-r",
                                                                "-i",
                                                                "-c",
                                                                "--backlog_wait_time",
                                                                "--loginuid-immutable",
                                                                "--reset-lost",
                                                                "--reset_backlog_wait_time_actual",
                                                                "--signal"};
  return std::find(kControl.begin(), kControl.end(), name) != kControl.end();
}

// Rule options that take an argument, attached ("-Sopen") or next ("-S open").
bool takes_argument(char opt) {
  return std::string_view("aAdSFCkwWp").find(opt) != std::string_view::npos;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = std::min(s.find(',', start), s.size());
    if (comma > start) parts.emplace_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

Result<AuditdField> parse_field(std::string_view text) {
  size_t n = 0;
  while (n < text.size() && (std::isalnum(static_cast<unsigned char>(text[n])) || text[n] == '_')) {
    ++n;
  }
  // Two-character operators first, so "<=" is not read as "<" and "=...".
  static constexpr std::array<std::string_view, 8> kOps = {
      "!=", "<=", ">=", "&=", "=", "<", ">", "&"};
  std::string_view rest = text.substr(n);
  for (auto op : kOps) {
    if (n > 0 && rest.starts_with(op) && rest.size() > op.size()) {
      return AuditdField{std::string(text.substr(0, n)), std::string(op),
                         std::string(rest.substr(op.size()))};
    }
  }
  return fail("bad field -F " + std::string(text));
}

// "always,exit" and "exit,always" are both accepted by auditctl.
Result<void> parse_list_action(std::string_view arg, AuditdRule& rule) {
  size_t comma = arg.find(',');
  if (comma == std::string_view::npos) return fail("bad -a argument " + std::string(arg));
  std::string a(arg.substr(0, comma)), b(arg.substr(comma + 1));
  if (b == "always" || b == "never") std::swap(a, b);
  if (a != "always" && a != "never") return fail("bad -a argument " + std::string(arg));
  rule.action = a;
  rule.list = b;
  return {};
}

Result<void> set_kind(AuditdRule& rule, AuditdRule::Kind kind) {
  if (rule.kind != AuditdRule::Kind::not_a_rule) return fail("more than one -a, -A or -w");
  rule.kind = kind;
  return {};
}

Result<void> apply_option(char opt, std::string_view arg, AuditdRule& rule) {
  switch (opt) {
    case 'a':
    case 'A':
      rule.prepend = opt == 'A';
      if (auto r = set_kind(rule, AuditdRule::Kind::syscall); !r) return r;
      return parse_list_action(arg, rule);
    case 'w':
      rule.watch_path = arg;
      return set_kind(rule, AuditdRule::Kind::watch);
    case 'p':
      rule.watch_perms = arg;
      return {};
    case 'S':
      for (auto& s : split_commas(arg)) rule.syscalls.push_back(std::move(s));
      return {};
    case 'F': {
      auto field = parse_field(arg);
      if (!field) return tl::unexpected(field.error());
      if (field->name == "key" && field->op == "=") {
        rule.keys.push_back(field->value);
      } else {
        rule.fields.push_back(std::move(*field));
      }
      return {};
    }
    case 'C':
      rule.compares.emplace_back(arg);
      return {};
    case 'k':
      rule.keys.emplace_back(arg);
      return {};
    case 'd':
    case 'W':
      return fail(std::string("-") + opt + " deletes a rule; an objective file only adds them");
  }
  return fail(std::string("unknown option -") + opt);
}

}  // namespace

Result<AuditdRule> parse_auditd_line(std::string_view line) {
  auto words = split_words(line);
  AuditdRule rule;
  if (words.empty() || words[0].starts_with('#')) return rule;
  std::string_view first = words[0].substr(0, words[0].find('='));  // --opt=value
  if (is_control_option(first) ||
      (first.size() > 2 && is_control_option(first.substr(0, 2)) && !first.starts_with("--"))) {
    return rule;  // e.g. "-b 8192" or "-b8192"
  }
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view word = words[i];
    if (word.size() < 2 || word[0] != '-') return fail("unexpected argument " + std::string(word));
    if (word[1] == '-' || !takes_argument(word[1])) {
      if (is_control_option(word)) return fail(std::string(word) + " is not allowed within a rule");
      std::string_view name = word[1] == '-' ? word.substr(0, word.find('=')) : word.substr(0, 2);
      return fail("unknown option " + std::string(name));
    }
    std::string_view arg = word.substr(2);
    if (arg.empty()) {
      if (i + 1 == words.size()) return fail("option " + std::string(word) + " needs an argument");
      arg = words[++i];
    }
    if (auto r = apply_option(word[1], arg, rule); !r) return tl::unexpected(r.error());
  }
  if (rule.kind == AuditdRule::Kind::not_a_rule) return fail("no -a, -A or -w: not a rule");
  return rule;
}

}  // namespace c2audit
