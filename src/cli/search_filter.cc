#include "cli/search_filter.h"

#include <algorithm>
#include <charconv>

#include "record/record_json.h"

namespace c2audit::cli {
namespace {

// ---- glob matching: the pattern becomes tokens, run as an NFA over the path.

struct GlobToken {
  enum class Kind : uint8_t {
    literal,   // one given character
    any,       // ? : one character but '/'
    set,       // [..] : one character of a class, never '/'
    star,      // * : any run without '/'
    globstar,  // ** : any run
    dirs,      // **/ : empty, or any run ending in '/'
  };
  Kind kind = Kind::literal;
  char c = 0;
  std::string_view set_body;  // between the brackets, after ! or ^
  bool negated = false;
};

using Kind = GlobToken::Kind;

bool set_contains(std::string_view body, char c) {
  for (size_t k = 0; k < body.size();) {
    if (k + 2 < body.size() && body[k + 1] == '-') {
      if (c >= body[k] && c <= body[k + 2]) return true;
      k += 3;
    } else {
      if (c == body[k]) return true;
      ++k;
    }
  }
  return false;
}

// Reads "[...]" at pattern[i]; returns the position after ']' or npos when the
// bracket is not closed (it is then a literal '[').
size_t read_set(std::string_view pattern, size_t i, GlobToken& tok) {
  size_t j = i + 1;
  tok.negated = j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^');
  if (tok.negated) ++j;
  size_t body_start = j;
  if (j < pattern.size() && pattern[j] == ']') ++j;  // a leading ']' is literal
  size_t close = pattern.find(']', j);
  if (close == std::string_view::npos) return close;
  tok.kind = Kind::set;
  tok.set_body = pattern.substr(body_start, close - body_start);
  return close + 1;
}

// Reads a run of '*' at pattern[i] into one token; returns the next position.
size_t read_stars(std::string_view pattern, size_t i, GlobToken& tok) {
  size_t j = pattern.find_first_not_of('*', i);
  if (j == std::string_view::npos) j = pattern.size();
  if (j - i == 1) {
    tok.kind = Kind::star;
    return j;
  }
  bool starts_segment = i == 0 || pattern[i - 1] == '/';
  if (starts_segment && j < pattern.size() && pattern[j] == '/') {
    tok.kind = Kind::dirs;
    return j + 1;
  }
  tok.kind = Kind::globstar;
  return j;
}

std::vector<GlobToken> tokenize(std::string_view pattern) {
  std::vector<GlobToken> tokens;
  for (size_t i = 0; i < pattern.size();) {
    GlobToken tok;
    tok.c = pattern[i];
    size_t next = i + 1;
    if (tok.c == '\\' && i + 1 < pattern.size()) {
      tok.c = pattern[i + 1];
      next = i + 2;
    } else if (tok.c == '*') {
      next = read_stars(pattern, i, tok);
    } else if (tok.c == '?') {
      tok.kind = Kind::any;
    } else if (tok.c == '[') {
      size_t after = read_set(pattern, i, tok);
      if (after != std::string_view::npos) next = after;
    }
    tokens.push_back(tok);
    i = next;
  }
  return tokens;
}

bool may_be_empty(Kind kind) {
  return kind == Kind::star || kind == Kind::globstar || kind == Kind::dirs;
}

// Adds the states reachable without reading. Empty moves only go forward, so
// one pass in order is enough.
void close_over_empty(const std::vector<GlobToken>& tokens, std::vector<char>& active) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (active[i] && may_be_empty(tokens[i].kind)) active[i + 1] = 1;
  }
}

// The states after token `i` reads `c`, added to `next`.
void step(const GlobToken& tok, size_t i, char c, std::vector<char>& next) {
  switch (tok.kind) {
    case Kind::literal:
      next[i + 1] |= c == tok.c;
      break;
    case Kind::any:
      next[i + 1] |= c != '/';
      break;
    case Kind::set:
      next[i + 1] |= c != '/' && set_contains(tok.set_body, c) != tok.negated;
      break;
    case Kind::star:
      next[i] |= c != '/';
      break;
    case Kind::globstar:
      next[i] = 1;
      break;
    case Kind::dirs:
      next[i] = 1;
      next[i + 1] |= c == '/';
      break;
  }
}

// ---- the individual filters

bool contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::optional<uint32_t> as_id(std::string_view text) {
  uint32_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

bool user_matches(std::string_view wanted, const AuditRecord& rec) {
  if (!rec.user.empty() && wanted == rec.user) return true;
  auto id = as_id(wanted);
  if (!id) return false;
  return *id == (rec.auid != kUnsetId ? rec.auid : rec.uid);
}

bool class_matches(std::string_view wanted, std::string_view cls) {
  if (wanted == "*") return true;
  if (wanted.ends_with(".*")) return cls.starts_with(wanted.substr(0, wanted.size() - 1));
  return cls == wanted ||
         (cls.size() > wanted.size() && cls.starts_with(wanted) && cls[wanted.size()] == '.');
}

bool path_matches(std::string_view glob, const AuditRecord& rec) {
  return (!rec.path.empty() && glob_match(glob, rec.path)) ||
         (!rec.path2.empty() && glob_match(glob, rec.path2));
}

template <typename Pred>
bool any_or_none(const std::vector<std::string>& wanted, Pred pred) {
  return wanted.empty() || std::any_of(wanted.begin(), wanted.end(), pred);
}

bool time_matches(const SearchFilter& f, const AuditRecord& rec) {
  return (!f.since_ns || rec.time_ns >= *f.since_ns) && (!f.until_ns || rec.time_ns <= *f.until_ns);
}

bool kind_filters_match(const SearchFilter& f, const AuditRecord& rec) {
  std::string_view cls = record_class(rec);
  return (f.events.empty() || contains(f.events, record_event(rec))) &&
         any_or_none(f.classes, [&](const std::string& c) { return class_matches(c, cls); });
}

bool syscall_filters_match(const SearchFilter& f, const AuditRecord& rec) {
  return any_or_none(f.users, [&](const std::string& u) { return user_matches(u, rec); }) &&
         (!f.pid || rec.pid == *f.pid) &&
         any_or_none(f.path_globs, [&](const std::string& g) { return path_matches(g, rec); }) &&
         (!f.success || rec.success == *f.success) &&
         (f.objectives.empty() || contains(f.objectives, rec.objective));
}

}  // namespace

bool SearchFilter::has_syscall_filter() const {
  return !users.empty() || pid || !path_globs.empty() || success || !objectives.empty();
}

bool matches(const SearchFilter& filter, const AuditRecord& rec) {
  if (!time_matches(filter, rec) || !kind_filters_match(filter, rec)) return false;
  if (rec.kind != RecordKind::syscall) {
    // Past kind_filters_match, a non-empty `events` names this record's event.
    return !filter.has_syscall_filter() || !filter.events.empty();
  }
  return syscall_filters_match(filter, rec);
}

bool glob_match(std::string_view pattern, std::string_view path) {
  auto tokens = tokenize(pattern);
  std::vector<char> active(tokens.size() + 1, 0), next(tokens.size() + 1, 0);
  active[0] = 1;
  close_over_empty(tokens, active);
  for (char c : path) {
    std::fill(next.begin(), next.end(), 0);
    bool alive = false;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (active[i]) {
        step(tokens[i], i, c, next);
        alive = true;
      }
    }
    if (!alive) return false;
    close_over_empty(tokens, next);
    active.swap(next);
  }
  return active[tokens.size()] != 0;
}

}  // namespace c2audit::cli
