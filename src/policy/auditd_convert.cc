#include "policy/auditd_convert.h"

#include <fcntl.h>
#include <string.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>

#include "common/address_family.h"
#include "common/decimal.h"
#include "policy/file_type.h"
#include "common/errno_number.h"
#include "syscalls/ia32_syscall_table.h"
#include "syscalls/syscall_table.h"

namespace c2audit {
namespace {

void add_unique(std::vector<std::string>& v, std::string_view s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.emplace_back(s);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// A watch's permissions as c2audit classes (auditctl -p / -F perm=), in one
// order whatever the order of the letters.
Result<std::vector<std::string>> classes_for_perms(std::string_view perms) {
  if (auto bad = perms.find_first_not_of("rwxa"); bad != std::string_view::npos) {
    return fail("bad permission '" + std::string(1, perms[bad]) + "' in " + std::string(perms));
  }
  auto has = [&](char p) { return perms.find(p) != std::string_view::npos; };
  std::vector<std::string> classes;
  if (has('r')) classes.push_back("file.read");
  if (has('w')) {
    classes.insert(classes.end(), {"file.write", "file.create", "file.delete", "file.rename"});
  }
  if (has('a')) classes.push_back("file.attr");
  if (has('x')) classes.push_back("process.exec");
  return classes;
}

// The classes a syscall's events can have (an open's depends on its flags).
std::vector<std::string> classes_of(const SyscallInfo& info) {
  if (info.class_rule == ClassRule::open_flags) return {"file.read", "file.write", "file.create"};
  return {std::string(info.event_class)};
}

// Every class family ("file.*", "admin.*", ...) of the covered syscalls:
// what "all syscalls" means here, in the file's shortest form.
std::vector<std::string> all_class_families() {
  std::vector<std::string> families;
  for (const auto& info : covered_syscalls()) {
    for (const auto& c : classes_of(info)) add_unique(families, c.substr(0, c.find('.')) + ".*");
  }
  return families;
}

// An errno as auditctl takes it (EACCES or 13), by name; nullopt when it is neither.
std::optional<std::string> errno_name_of(std::string_view value) {
  if (auto n = parse_decimal<int32_t>(value)) {
    const char* name = *n > 0 ? strerrorname_np(*n) : nullptr;
    if (name) return std::string(name);
    return std::nullopt;
  }
  if (errno_number(value)) return std::string(value);
  return std::nullopt;
}

// An id in a uid field: a number, "unset"/-1 (no login uid), or a user name.
UserSelector parse_id(std::string_view value) {
  if (value == "unset" || value == "-1") return kUnsetId;
  if (auto n = parse_decimal<int64_t>(value); n && *n >= 0 && *n <= kUnsetId) return *n;
  return std::string(value);
}

// Conditions on one user field, intersected as audit does (all must hold).
struct UserBounds {
  std::string field;  // auid, uid or euid: the first user field of the rule
  std::optional<UserSelector> exact;
  std::optional<int64_t> low, high;
  std::vector<UserSelector> excluded;
};

// Converts one rule; each method handles one option or field family.
class RuleConverter {
 public:
  RuleConverter(const AuditdRule& rule, std::vector<std::string>& approximations)
      : rule_(rule), approximations_(approximations) {}

  Result<ImportedObjective> run();

 private:
  Result<void> convert_list_action();
  Result<void> convert_watch();
  Result<void> convert_field(const AuditdField& f);
  Result<void> convert_family(const AuditdField& f);
  Result<void> convert_compare(const std::string& text);
  Result<void> check_object_criteria();
  Result<void> convert_path(const AuditdField& f);
  Result<void> convert_arch(const AuditdField& f);
  Result<void> convert_user(const AuditdField& f);
  Result<void> convert_result(const AuditdField& f);
  Result<void> convert_open_flags(const AuditdField& f);
  Result<void> finish_users();
  Result<void> finish_classes();
  Result<void> drop(const std::string& what);
  void approximate(std::string why) { approximations_.push_back(std::move(why)); }

  const AuditdRule& rule_;
  std::vector<std::string>& approximations_;
  ImportedObjective out_;
  std::optional<std::string> perms_;  // -p or -F perm=
  bool any_path_ = false;
  bool ia32_ = false;  // -F arch=b32: -S names and numbers are ia32 ones
  std::optional<AuditdField> open_flags_;  // -F aN&MASK
  std::vector<AuditdField> user_fields_;  // auid, uid, euid conditions, in order
  UserBounds users_;                      // those of the field kept
};

// A condition c2audit cannot express narrows the rule. Leaving it out of a
// record rule records more than asked (safe, noted); leaving it out of an
// ignore rule would silently drop events the rule keeps, so the line is skipped.
Result<void> RuleConverter::drop(const std::string& what) {
  if (out_.action == "ignore") {
    return fail(what + " cannot be expressed, and ignoring without it would ignore more");
  }
  approximate(what + " is not supported and was left out: the objective records more");
  return {};
}

Result<void> RuleConverter::convert_list_action() {
  if (rule_.kind == AuditdRule::Kind::watch) return {};
  if (rule_.list != "exit") {
    return fail("the " + rule_.list +
                " list is not converted: c2audit objectives select syscall exits");
  }
  out_.action = rule_.action == "never" ? "ignore" : "record";
  return {};
}

Result<void> RuleConverter::convert_watch() {
  if (rule_.kind != AuditdRule::Kind::watch) return {};
  std::string path = rule_.watch_path;
  if (!path.starts_with('/')) return fail("watch path " + path + " is not absolute");
  // auditctl asks the filesystem where the rule is loaded: the path and, if
  // it is a directory there, everything under it. The objective says both,
  // whatever the importing host holds.
  return convert_path(AuditdField{"dir", "=", path});
}

// On merged /usr (Debian's default since 12), /bin, /sbin, /lib and /lib64
// are links into /usr, and the kernel names what it opened or ran by its
// /usr path: "/bin/su" becomes "/usr/bin/su" too.
std::optional<std::string> usr_merged_alias(const std::string& path) {
  for (std::string_view top : {"/bin", "/sbin", "/lib", "/lib64"}) {
    if (path == top || (path.starts_with(top) && path[top.size()] == '/')) return "/usr" + path;
  }
  return std::nullopt;
}

Result<void> RuleConverter::convert_path(const AuditdField& f) {
  if (!f.value.starts_with('/')) return fail(f.name + " " + f.value + " is not absolute");
  if (f.op != "=" && f.op != "!=") return drop("-F " + f.name + f.op + f.value);
  if (f.value.find_first_of("*?[") != std::string::npos) {
    approximate(f.name + " " + f.value +
                " holds glob characters, which c2audit reads as wildcards");
  }
  std::string path = f.value;
  while (path.size() > 1 && path.ends_with('/')) path.pop_back();
  auto& target = f.op == "=" ? out_.paths : out_.exclude_paths;
  for (const auto& name : {std::optional(path), usr_merged_alias(path)}) {
    if (!name) continue;
    add_unique(target, *name);
    if (f.name == "dir") add_unique(target, *name == "/" ? "/**" : *name + "/**");
  }
  any_path_ = true;
  return {};
}

Result<void> RuleConverter::convert_arch(const AuditdField& f) {
  static const std::set<std::string> k64 = {"b64", "x86_64", "x86-64", "amd64"};
  static const std::set<std::string> k32 = {"b32", "i386", "i486", "i586", "i686"};
  bool is64 = k64.contains(f.value);
  if (!is64 && !k32.contains(f.value)) return fail("arch " + f.value + " is not this machine's");
  if (f.op != "=" && f.op != "!=") return fail("bad arch field " + f.op + f.value);
  ia32_ = is64 == (f.op == "!=");
  if (ia32_) {
    approximate("arch " + f.value +
                ": an objective selects a call made through either ABI (records say which)");
  }
  return {};
}

std::string user_field_of(const AuditdField& f) { return f.name == "loginuid" ? "auid" : f.name; }

// The user field an objective keeps: auid when the rule names it (the person
// behind the action, which `users` means), else the rule's first one.
std::string chosen_user_field(const std::vector<AuditdField>& fields) {
  for (const auto& f : fields) {
    if (user_field_of(f) == "auid") return "auid";
  }
  return user_field_of(fields.front());
}

Result<void> RuleConverter::convert_user(const AuditdField& f) {
  std::string field = user_field_of(f);
  if (users_.field != field) {
    return drop("-F " + f.name + f.op + f.value +
                " (c2audit selects on one user field: " + users_.field + ")");
  }
  UserSelector id = parse_id(f.value);
  if (f.op == "=" || f.op == "!=") {
    if (f.op == "!=") {
      users_.excluded.push_back(id);
    } else if (users_.exact && *users_.exact != id) {
      return fail("-F " + f.name + " requires two different users: matches nothing");
    } else {
      users_.exact = id;
    }
    return {};
  }
  const int64_t* n = std::get_if<int64_t>(&id);
  if (!n) return fail("-F " + f.name + f.op + f.value + " compares a name; a numeric id is needed");
  if (f.op == ">=" || f.op == ">") {
    users_.low = std::max(users_.low.value_or(0), *n + (f.op == ">" ? 1 : 0));
  } else if (f.op == "<=" || f.op == "<") {
    users_.high = std::min(users_.high.value_or(kUnsetId), *n - (f.op == "<" ? 1 : 0));
  } else {
    return drop("-F " + f.name + f.op + f.value);
  }
  return {};
}

Result<void> RuleConverter::convert_result(const AuditdField& f) {
  if (f.name == "success" && (f.op == "=" || f.op == "!=") && (f.value == "0" || f.value == "1")) {
    out_.result = (f.value == "1") == (f.op == "=") ? "success" : "failure";
    return {};
  }
  // exit=-EACCES (or -13): a failure with that errno, as `errors` says.
  if (f.name == "exit" && f.op == "=" && f.value.starts_with('-') && f.value != "-0") {
    auto name = errno_name_of(std::string_view(f.value).substr(1));
    if (!name) return fail("-F exit=" + f.value + ": not an errno");
    if (!out_.errors.empty() && out_.errors.front() != *name) {
      return fail("-F exit requires two different errnos: matches nothing");
    }
    out_.result = "failure";
    out_.errors = {*name};
    return {};
  }
  return drop("-F " + f.name + f.op + f.value);
}

// -F a1&0100 on open, a2&0100 on openat: the open creates (O_CREAT), which
// is the class file.create, when every call of the rule has its open flags
// in that argument. Other masks and arguments are left out.
Result<void> RuleConverter::convert_open_flags(const AuditdField& f) {
  char* end = nullptr;
  unsigned long mask = std::strtoul(f.value.c_str(), &end, 0);  // auditctl's base 0
  uint8_t index = static_cast<uint8_t>(f.name[1] - '0');
  auto flags_in_argument = [index](const std::string& event) {
    const SyscallInfo* info = find_syscall(event);
    return info->spec.flags_arg == index && !(info->spec.flags & C2A_SPEC_OPEN_HOW);
  };
  bool flags_there = !out_.events.empty() &&
                     std::all_of(out_.events.begin(), out_.events.end(), flags_in_argument);
  if (f.value.empty() || *end != '\0' || mask != O_CREAT || !flags_there) {
    return drop("-F " + f.name + f.op + f.value);
  }
  out_.classes = {"file.create"};
  return {};
}

// saddr_fam is a number to auditctl (2, 10, 1), or a name.
Result<void> RuleConverter::convert_family(const AuditdField& f) {
  std::optional<std::string_view> name = f.value;
  if (auto number = parse_decimal<int>(f.value)) name = address_family_name(*number);
  if (!name || !is_address_family_name(*name)) return drop("-F saddr_fam=" + f.value);
  out_.families.emplace_back(*name);
  return {};
}

// -C a!=b / a=b on the ids an objective compares; suid, fsuid, sgid and
// fsgid are not in c2audit's records.
Result<void> RuleConverter::convert_compare(const std::string& text) {
  static const std::set<std::string, std::less<>> kIds = {"uid",  "euid",    "gid",    "egid",
                                                          "auid", "obj_uid", "obj_gid"};
  bool differ = text.find("!=") != std::string::npos;
  size_t op = text.find(differ ? "!=" : "=");
  if (op == std::string::npos) return drop("-C " + text);
  std::string left = text.substr(0, op), right = text.substr(op + (differ ? 2 : 1));
  if (left == "loginuid") left = "auid";
  if (right == "loginuid") right = "auid";
  if (!kIds.contains(left) || !kIds.contains(right)) return drop("-C " + text);
  out_.compare.push_back(left + (differ ? " != " : " = ") + right);
  return {};
}

Result<void> RuleConverter::convert_field(const AuditdField& f) {
  if (f.name == "path" || f.name == "dir") return convert_path(f);
  if (f.name == "arch") return convert_arch(f);
  bool argument = f.name.size() == 2 && f.name[0] == 'a' && f.name[1] >= '0' && f.name[1] <= '3';
  if (argument && f.op == "&") {
    open_flags_ = f;  // converted once the calls are known: finish_classes()
    return {};
  }
  if (f.name == "success" || f.name == "exit") return convert_result(f);
  if (f.name == "auid" || f.name == "loginuid" || f.name == "uid" || f.name == "euid") {
    user_fields_.push_back(f);  // converted together: finish_users()
    return {};
  }
  if (f.name == "perm" && f.op == "=") {
    perms_ = f.value;
    return {};
  }
  if (f.name == "ses" && f.op == "=" && std::holds_alternative<int64_t>(parse_id(f.value))) {
    out_.sessions.push_back(parse_id(f.value));
    return {};
  }
  if (f.name == "saddr_fam" && f.op == "=") return convert_family(f);
  // auditd's file type names are the objectives' (file, dir, link, ...).
  auto file_type_named = [&](const FileTypeName& t) { return t.name == f.value; };
  if (f.name == "filetype" && f.op == "=" &&
      std::any_of(std::begin(kFileTypeNames), std::end(kFileTypeNames), file_type_named)) {
    out_.file_types.push_back(f.value);
    return {};
  }
  if (f.name == "obj_uid" && f.op == "=") {
    out_.file_owners.push_back(parse_id(f.value));
    return {};
  }
  if (f.name == "exe" && f.op == "=") {
    add_unique(out_.programs, f.value);
    if (auto alias = usr_merged_alias(f.value)) add_unique(out_.programs, *alias);
    return {};
  }
  return drop("-F " + f.name + f.op + f.value);
}

bool contains(const std::vector<UserSelector>& ids, int64_t id) {
  return std::find(ids.begin(), ids.end(), UserSelector{id}) != ids.end();
}

Result<void> RuleConverter::finish_users() {
  if (user_fields_.empty()) return {};
  users_.field = chosen_user_field(user_fields_);
  for (const auto& f : user_fields_) {
    if (auto ok = convert_user(f); !ok) return ok;
  }
  out_.exclude_users = users_.excluded;
  if (users_.field != "auid") {
    approximate("-F " + users_.field +
                " became users, which c2audit matches against the login "
                "uid (auid), or the uid when auid is unset");
  }
  if (users_.exact) {
    if (users_.low || users_.high) {
      return drop("a " + users_.field + " range besides an exact user");
    }
    out_.users = {*users_.exact};
    return {};
  }
  if (!users_.low && !users_.high) return {};
  int64_t low = users_.low.value_or(0);
  int64_t high = users_.high.value_or(kMaxUserId);
  if (low > high) return fail("no " + users_.field + " satisfies the rule's bounds");
  if (!users_.high && !contains(users_.excluded, kUnsetId)) {
    approximate(users_.field + ">=" + std::to_string(low) + " also matches the unset id " +
                std::to_string(kUnsetId) + " in audit; the range ends at " +
                std::to_string(kMaxUserId));
  }
  if (low == high) {
    out_.users = {low};
  } else {
    out_.users = {std::to_string(low) + "-" + std::to_string(high)};
  }
  return {};
}

// The covered calls one -S names: by name or number, from the ia32 table
// for a b32 rule (where socketcall stands for the socket calls it carries).
std::vector<const SyscallInfo*> calls_named(std::string_view s, bool ia32) {
  auto nr = parse_decimal<int64_t>(s);
  if (!ia32) {
    const SyscallInfo* info = nr ? find_syscall(static_cast<uint32_t>(*nr)) : find_syscall(s);
    return info ? std::vector{info} : std::vector<const SyscallInfo*>{};
  }
  bool socketcall = s == "socketcall" || (nr && *nr == C2A_IA32_SOCKETCALL);
  std::vector<const SyscallInfo*> out;
  for (const auto& call : ia32_syscalls()) {
    bool named = nr ? call.nr == static_cast<uint64_t>(*nr) : call.name == s;
    if (named || (socketcall && call.via_socketcall)) out.push_back(call.info);
  }
  return out;
}

Result<void> RuleConverter::finish_classes() {
  std::vector<std::string> uncovered;
  bool all = rule_.syscalls.empty();
  for (const auto& s : rule_.syscalls) {
    auto calls = calls_named(s, ia32_);
    if (s == "all") {
      all = true;
    } else if (!calls.empty()) {
      for (const SyscallInfo* info : calls) add_unique(out_.events, info->name);
    } else {
      add_unique(uncovered, s);
    }
  }
  if (all) out_.events.clear();
  if (!all && out_.events.empty()) {
    return fail("no syscall of the rule is covered by c2audit: " + join(uncovered, ", "));
  }
  if (!all && !uncovered.empty()) {
    approximate("syscalls not covered by c2audit were left out: " + join(uncovered, ", "));
  }
  if (perms_) {
    auto classes = classes_for_perms(*perms_);
    if (!classes) return tl::unexpected(classes.error());
    out_.classes = std::move(*classes);
  } else if (out_.events.empty()) {
    // A watch without -p means every permission; a rule without -S every syscall.
    out_.classes = any_path_ || rule_.kind == AuditdRule::Kind::watch ? *classes_for_perms("rwxa")
                                                                      : all_class_families();
  }
  if (open_flags_) {
    if (auto r = convert_open_flags(*open_flags_); !r) return r;
  }
  return check_object_criteria();
}

// c2audit knows an object's type and owner only for a call on an fd (an
// open, fchmod), and an address family only with an address, where auditd
// reads them from any call's PATH or SOCKADDR record. Where the rule's calls
// are not all such calls, a record rule keeps them without those criteria
// (it records more, noted) and an ignore rule is not converted; an ignore
// rule's family is kept only for connect and bind, whose address is given.
Result<void> RuleConverter::check_object_criteria() {
  auto has_object = [](const std::string& event) {
    const SyscallInfo* info = find_syscall(event);
    return info && has_fd_object(*info);
  };
  auto names_address = [](const std::string& event) {
    return event == "connect" || event == "bind";
  };
  auto all_events = [&](auto pred) {
    return !out_.events.empty() && std::all_of(out_.events.begin(), out_.events.end(), pred);
  };
  bool on_objects = !out_.file_types.empty() || !out_.file_owners.empty() ||
                    std::any_of(out_.compare.begin(), out_.compare.end(),
                                [](const std::string& c) { return c.find("obj_") != c.npos; });
  if (on_objects && !all_events(has_object)) {
    if (auto r = drop("the object's type or owner (-F filetype, obj_uid, -C obj_*) of calls "
                      "that name a file by path"); !r) {
      return r;
    }
    out_.file_types.clear();
    out_.file_owners.clear();
    std::erase_if(out_.compare, [](const std::string& c) { return c.find("obj_") != c.npos; });
  }
  if (!out_.families.empty() && out_.action == "ignore" && !all_events(names_address)) {
    return fail("-F saddr_fam on calls other than connect and bind would ignore more");
  }
  return {};
}

Result<ImportedObjective> RuleConverter::run() {
  for (auto step : {&RuleConverter::convert_list_action, &RuleConverter::convert_watch}) {
    if (auto r = (this->*step)(); !r) return tl::unexpected(r.error());
  }
  if (!rule_.watch_perms.empty()) perms_ = rule_.watch_perms;
  for (const auto& f : rule_.fields) {
    if (auto r = convert_field(f); !r) return tl::unexpected(r.error());
  }
  for (const auto& c : rule_.compares) {
    if (auto r = convert_compare(c); !r) return tl::unexpected(r.error());
  }
  for (auto step : {&RuleConverter::finish_users, &RuleConverter::finish_classes}) {
    if (auto r = (this->*step)(); !r) return tl::unexpected(r.error());
  }
  out_.name = join(rule_.keys, "-");
  return out_;
}

}  // namespace

Result<ImportedObjective> convert_auditd_rule(const AuditdRule& rule,
                                              std::vector<std::string>& approximations) {
  return RuleConverter(rule, approximations).run();
}

}  // namespace c2audit
