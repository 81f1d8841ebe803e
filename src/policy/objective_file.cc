#include "policy/objective_file.h"

#include <pwd.h>
#include <string.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "common/address_family.h"
#include "common/decimal.h"
#include "syscalls/syscall_table.h"

namespace c2audit {
namespace {

constexpr std::string_view kClasses[] = {
    "file.read",   "file.write",   "file.create", "file.delete",  "file.rename",
    "file.attr",   "process.exec", "process.signal", "priv.change", "net.connect",  "net.accept",
    "net.bind",    "admin.mount",  "admin.time",  "admin.module", "admin.host",
    "admin.reboot", "admin.ptrace",
    // Kernel audit's user messages (kaudit/user_record.cc).
    "auth.login", "auth.session", "auth.logout", "auth.credential", "admin.account", "priv.sudo",
    "user.message"};
constexpr std::string_view kKeys[] = {
    "name",       "classes",     "events",      "users",    "exclude_users", "paths",
    "exclude_paths", "programs", "result",      "errors",   "mode_bits",     "xattrs",
    "sessions",   "process_groups", "families",    "file_types",  "file_owners", "compare",    "criticality",
    "action"};

// Builds "file:line:column: why" for a node of the parsed document.
class Locator {
 public:
  explicit Locator(std::string source) : source_(std::move(source)) {}

  Error at(const toml::source_region& where, std::string_view why) const {
    return Error{fmt::format("{}:{}:{}: {}", source_, where.begin.line, where.begin.column, why)};
  }
  SourceLocation location(const toml::source_region& where) const {
    return {source_, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column)};
  }

 private:
  std::string source_;
};

template <typename T>
bool listed(std::span<const std::string_view> values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool known_class(std::string_view c) {
  if (listed<std::string_view>(kClasses, c)) return true;
  if (!c.ends_with(".*")) return false;
  std::string_view family = c.substr(0, c.size() - 1);  // "file."
  return std::any_of(std::begin(kClasses), std::end(kClasses),
                     [&](std::string_view k) { return k.starts_with(family); });
}

bool known_errno(std::string_view name) { return errno_number(name).has_value(); }

// Reads the string elements of an array-valued key.
Result<std::vector<std::pair<std::string, toml::source_region>>> strings_of(
    const toml::node& node, std::string_view key, const Locator& loc) {
  const toml::array* array = node.as_array();
  if (!array) return tl::unexpected(loc.at(node.source(), fmt::format("'{}' must be an array", key)));
  std::vector<std::pair<std::string, toml::source_region>> out;
  for (const toml::node& item : *array) {
    auto text = item.value<std::string>();
    if (!item.is_string() || !text) {
      return tl::unexpected(loc.at(item.source(), fmt::format("'{}' holds strings only", key)));
    }
    out.emplace_back(*text, item.source());
  }
  return out;
}

// A user as written; nullopt for a name the system does not know.
Result<std::optional<UserRange>> user_of(const toml::node& item, const Locator& loc,
                                         const UserLookup& lookup) {
  // The type first: toml++ would convert a float (1E99) to an integer, out of range.
  if (item.is_integer()) {
    int64_t id = item.as_integer()->get();
    if (id < 0 || id > UINT32_MAX) return tl::unexpected(loc.at(item.source(), "user id out of range"));
    auto u = static_cast<uint32_t>(id);
    return UserRange{u, u, std::to_string(u)};
  }
  auto text = item.value<std::string>();
  if (!item.is_string() || !text || text->empty()) {
    return tl::unexpected(loc.at(item.source(), "a user is a name, an id or a range \"A-B\""));
  }
  if (auto id = parse_decimal<uint32_t>(*text)) return UserRange{*id, *id, *text};
  if (*text == "unset") return UserRange{kUnsetId, kUnsetId, *text};
  if (size_t dash = text->find('-'); dash != std::string::npos) {
    auto first = parse_decimal<uint32_t>(std::string_view(*text).substr(0, dash));
    auto last = parse_decimal<uint32_t>(std::string_view(*text).substr(dash + 1));
    if (first && last && *first <= *last) return UserRange{*first, *last, *text};
    if (first && last) return tl::unexpected(loc.at(item.source(), "user range runs backwards"));
  }
  if (auto id = lookup(*text)) return UserRange{*id, *id, *text};
  return std::nullopt;
}

// A user list; names the system does not know are left out, with a warning.
Result<std::vector<UserRange>> users_of(const toml::node& node, std::string_view key,
                                        const Locator& loc, const UserLookup& lookup,
                                        std::vector<std::string>& warnings) {
  const toml::array* array = node.as_array();
  if (!array) return tl::unexpected(loc.at(node.source(), fmt::format("'{}' must be an array", key)));
  std::vector<UserRange> out;
  for (const toml::node& item : *array) {
    auto user = user_of(item, loc, lookup);
    if (!user) return tl::unexpected(user.error());
    if (*user) {
      out.push_back(**user);
      continue;
    }
    std::string name = item.value<std::string>().value_or("");
    auto warning = loc.at(item.source(), fmt::format("no such user '{}': left out of '{}'", name, key));
    warnings.push_back(warning.message);
  }
  return out;
}

Result<std::string> one_of(const toml::node& node, std::string_view key,
                           std::span<const std::string_view> allowed, const Locator& loc) {
  auto text = node.value<std::string>();
  if (node.is_string() && text && listed(allowed, *text)) return *text;
  return tl::unexpected(loc.at(node.source(), fmt::format("'{}' must be one of: {}", key,
                                                          fmt::join(allowed, ", "))));
}

using Check = bool (*)(std::string_view);

// A list of strings each of which must pass `valid`.
Result<std::vector<std::string>> checked_strings(const toml::node& node, std::string_view key,
                                                 const Locator& loc, Check valid,
                                                 std::string_view what) {
  auto items = strings_of(node, key, loc);
  if (!items) return tl::unexpected(items.error());
  std::vector<std::string> out;
  for (auto& [text, where] : *items) {
    if (!valid(text)) return tl::unexpected(loc.at(where, fmt::format("'{}': {}", text, what)));
    out.push_back(std::move(text));
  }
  return out;
}

// mode_bits: names of mode bits, ORed.
Result<uint32_t> mode_bits_of(const toml::node& node, std::string_view key, const Locator& loc) {
  auto items = strings_of(node, key, loc);
  if (!items) return tl::unexpected(items.error());
  uint32_t bits = 0;
  for (auto& [text, where] : *items) {
    const std::string& name = text;  // clang 14 cannot capture a structured binding
    auto named = std::find_if(std::begin(kModeBitNames), std::end(kModeBitNames),
                              [&](const ModeBitName& m) { return m.name == name; });
    if (named == std::end(kModeBitNames)) {
      return tl::unexpected(loc.at(where, fmt::format("'{}': not a mode bit (setuid, setgid, "
                                                      "sticky, world-writable)", text)));
    }
    bits |= named->bits;
  }
  return bits;
}

// sessions and process groups: numbers, ranges "A-B" or "unset", never names.
Result<std::vector<UserRange>> ids_of(const toml::node& node, std::string_view key,
                                      const Locator& loc) {
  const toml::array* array = node.as_array();
  if (!array) return tl::unexpected(loc.at(node.source(), fmt::format("'{}' must be an array", key)));
  auto no_names = [](const std::string&) -> std::optional<uint32_t> { return std::nullopt; };
  std::vector<UserRange> out;
  for (const toml::node& item : *array) {
    auto session = user_of(item, loc, no_names);
    if (!session) return tl::unexpected(session.error());
    if (!*session) {
      return tl::unexpected(loc.at(item.source(), fmt::format("'{}' holds numbers, ranges "
                                                              "\"A-B\" or \"unset\"", key)));
    }
    out.push_back(**session);
  }
  return out;
}

std::optional<IdField> id_field_named(std::string_view name) {
  for (const auto& f : kIdFieldNames) {
    if (f.name == name) return f.field;
  }
  return std::nullopt;
}

// compare: "A != B" or "A = B" ("==" too), each side an id field.
Result<std::vector<IdComparison>> comparisons_of(const toml::node& node, std::string_view key,
                                                 const Locator& loc) {
  auto items = strings_of(node, key, loc);
  if (!items) return tl::unexpected(items.error());
  std::vector<IdComparison> out;
  for (auto& [text, where] : *items) {
    std::string spaced = text;
    bool equal = spaced.find("!=") == std::string::npos;
    for (std::string_view op : {"!=", "==", "="}) {
      if (size_t at = spaced.find(op); at != std::string::npos) {
        spaced.replace(at, op.size(), " ");
        break;
      }
    }
    std::istringstream words(spaced);
    std::string left, right, extra;
    words >> left >> right >> extra;
    auto l = id_field_named(left), r = id_field_named(right);
    if (!l || !r || !extra.empty() || spaced == text) {
      return tl::unexpected(loc.at(where, fmt::format("'{}': a comparison is \"A != B\" or "
                                                      "\"A = B\" of uid, euid, gid, egid, auid, "
                                                      "obj_uid, obj_gid", text)));
    }
    out.push_back(IdComparison{*l, *r, equal, text});
  }
  return out;
}

bool is_file_type(std::string_view t) {
  return std::any_of(std::begin(kFileTypeNames), std::end(kFileTypeNames),
                     [&](const FileTypeName& n) { return n.name == t; });
}

bool is_xattr_glob(std::string_view g) { return !g.empty(); }

// A memfd has no path: the sensor names it "memfd:NAME" (a fileless exec's program).
bool is_memfd_glob(std::string_view g) { return g.starts_with("memfd:"); }
bool is_absolute_glob(std::string_view g) {
  return g.starts_with('/') || g.starts_with("**") || is_memfd_glob(g);
}
bool is_program_glob(std::string_view g) {
  return g.starts_with('/') || g.starts_with('*') || is_memfd_glob(g);
}
bool is_covered_syscall(std::string_view s) { return find_syscall(s) != nullptr; }

// Applies one key of an [[objective]] table.
Result<void> apply_key(Objective& o, std::string_view key, const toml::node& value,
                       const Locator& loc, const UserLookup& users) {
  auto assign = [](auto& field, auto parsed) -> Result<void> {
    if (!parsed) return tl::unexpected(parsed.error());
    field = std::move(*parsed);
    return {};
  };
  if (key == "name") {
    auto name = value.value<std::string>();
    if (!value.is_string() || !name || name->empty()) {
      return tl::unexpected(loc.at(value.source(), "'name' must be a non-empty string"));
    }
    o.name = *name;
    return {};
  }
  if (key == "classes")
    return assign(o.classes, checked_strings(value, key, loc, known_class,
                                             "not an event class (see docs/objectives.md)"));
  if (key == "events")
    return assign(o.events, checked_strings(value, key, loc, is_covered_syscall,
                                            "not a syscall c2audit covers"));
  if (key == "users") {
    auto ok = assign(o.users, users_of(value, key, loc, users, o.warnings));
    // Every name unknown: the objective selects no one (an empty list would be anyone).
    if (ok && o.users.empty() && value.as_array() && !value.as_array()->empty()) o.skipped = true;
    return ok;
  }
  if (key == "exclude_users")
    return assign(o.exclude_users, users_of(value, key, loc, users, o.warnings));
  if (key == "paths")
    return assign(o.paths, checked_strings(value, key, loc, is_absolute_glob,
                                           "a path glob starts with '/', '**' or 'memfd:'"));
  if (key == "exclude_paths")
    return assign(o.exclude_paths, checked_strings(value, key, loc, is_absolute_glob,
                                                   "a path glob starts with '/', '**' or 'memfd:'"));
  if (key == "programs")
    return assign(o.programs, checked_strings(value, key, loc, is_program_glob,
                                              "a program glob starts with '/', '*' or 'memfd:'"));
  if (key == "errors")
    return assign(o.errors, checked_strings(value, key, loc, known_errno,
                                            "not an errno name such as EACCES"));
  if (key == "mode_bits") return assign(o.mode_bits, mode_bits_of(value, key, loc));
  if (key == "xattrs")
    return assign(o.xattrs, checked_strings(value, key, loc, is_xattr_glob,
                                            "an attribute name such as security.capability"));
  if (key == "sessions") return assign(o.sessions, ids_of(value, key, loc));
  if (key == "process_groups") return assign(o.process_groups, ids_of(value, key, loc));
  if (key == "families")
    return assign(o.families, checked_strings(value, key, loc, is_address_family_name,
                                              "not an address family (inet, inet6, unix, "
                                              "netlink, packet, vsock)"));
  if (key == "file_types")
    return assign(o.file_types, checked_strings(value, key, loc, is_file_type,
                                                "not a file type (file, dir, link, socket, fifo, "
                                                "block, character)"));
  if (key == "file_owners") {
    auto ok = assign(o.file_owners, users_of(value, key, loc, users, o.warnings));
    // Every owner unknown: the objective selects no file (empty would be any owner).
    if (ok && o.file_owners.empty() && value.as_array() && !value.as_array()->empty()) {
      o.skipped = true;
    }
    return ok;
  }
  if (key == "compare") return assign(o.compare, comparisons_of(value, key, loc));
  if (key == "criticality") return assign(o.criticality, one_of(value, key, kCriticalities, loc));
  constexpr std::string_view kResults[] = {"any", "success", "failure"};
  constexpr std::string_view kActions[] = {"record", "ignore"};
  if (key == "result") {
    auto r = one_of(value, key, kResults, loc);
    if (!r) return tl::unexpected(r.error());
    o.result = *r == "success" ? ResultSelector::success
               : *r == "failure" ? ResultSelector::failure
                                 : ResultSelector::any;
    return {};
  }
  auto a = one_of(value, key, kActions, loc);
  if (!a) return tl::unexpected(a.error());
  o.action = *a == "ignore" ? ObjectiveAction::ignore : ObjectiveAction::record;
  return {};
}

Result<Objective> objective_of(const toml::node& node, const Locator& loc, const UserLookup& users) {
  const toml::table* table = node.as_table();
  if (!table) return tl::unexpected(loc.at(node.source(), "each [[objective]] must be a table"));
  Objective o;
  o.where = loc.location(node.source());
  for (auto&& [key, value] : *table) {
    if (!listed<std::string_view>(kKeys, key.str())) {
      return tl::unexpected(loc.at(key.source(), fmt::format("unknown key '{}' (expected one of: {})",
                                                             key.str(), fmt::join(kKeys, ", "))));
    }
    if (auto ok = apply_key(o, key.str(), value, loc, users); !ok) return tl::unexpected(ok.error());
  }
  if (o.name.empty()) return tl::unexpected(loc.at(node.source(), "objective without a 'name'"));
  if (o.skipped) {
    auto why = fmt::format("objective '{}' is skipped: none of its users (or file owners) "
                           "exists (until the policy is loaded again)", o.name);
    o.warnings.push_back(loc.at(node.source(), why).message);
  }
  if (o.classes.empty() && o.events.empty()) {
    return tl::unexpected(loc.at(node.source(), fmt::format("objective '{}' names neither "
                                                            "'classes' nor 'events'", o.name)));
  }
  return o;
}

Result<std::vector<Objective>> objectives_of(const toml::table& doc, const Locator& loc,
                                             const UserLookup& users) {
  std::vector<Objective> out;
  for (auto&& [key, value] : doc) {
    if (key.str() != "objective" || !value.is_array_of_tables()) {
      return tl::unexpected(loc.at(key.source(), fmt::format("unexpected '{}': a file holds "
                                                             "[[objective]] tables only", key.str())));
    }
    for (const toml::node& item : *value.as_array()) {
      auto o = objective_of(item, loc, users);
      if (!o) return tl::unexpected(o.error());
      for (const Objective& seen : out) {
        if (seen.name == o->name) {
          return tl::unexpected(loc.at(item.source(), fmt::format("objective '{}' is already "
                                                                  "defined at line {}",
                                                                  o->name, seen.where.line)));
        }
      }
      out.push_back(std::move(*o));
    }
  }
  return out;
}

}  // namespace

std::optional<uint32_t> system_user_id(const std::string& name) {
  std::array<char, 4096> buf{};
  passwd pw{};
  passwd* found = nullptr;
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) {
    return std::nullopt;
  }
  return found->pw_uid;
}

Result<std::vector<Objective>> parse_objectives(std::string_view text, const std::string& source,
                                                const UserLookup& users) {
  Locator loc(source);
  try {
    toml::table doc = toml::parse(text, source);
    return objectives_of(doc, loc, users);
  } catch (const toml::parse_error& e) {
    return tl::unexpected(loc.at(e.source(), std::string(e.description())));
  }
}

Result<std::vector<Objective>> read_objective_file(const std::filesystem::path& file,
                                                   const UserLookup& users) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot read: {}", file.native(), strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_objectives(text.str(), file.native(), users);
}

}  // namespace c2audit
