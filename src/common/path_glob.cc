#include "common/path_glob.h"

#include <algorithm>
#include <cstring>

namespace c2audit {
namespace {

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
  tok.set_at = static_cast<uint32_t>(body_start);
  tok.set_size = static_cast<uint32_t>(close - body_start);
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

}  // namespace

PathGlob::PathGlob(std::string pattern) : pattern_(std::move(pattern)), tokens_(tokenize(pattern_)) {
  prefix_size_ = glob_literal_prefix(pattern_).size();
  std::string_view rest = std::string_view(pattern_).substr(prefix_size_);
  if (rest.empty()) {
    shape_ = Shape::literal;
  } else if (rest == "*") {
    shape_ = Shape::prefix_segment;
  } else if (rest.find_first_not_of('*') == std::string_view::npos) {
    shape_ = Shape::prefix_any;  // "**" and longer runs at the end: any run
  }
}

std::string_view PathGlob::subtree() const {
  std::string_view prefix = literal_prefix();
  return shape_ == Shape::prefix_any && prefix.ends_with('/') ? prefix : std::string_view();
}

bool PathGlob::matches(std::string_view path) const {
  std::string_view prefix = literal_prefix();
  switch (shape_) {
    case Shape::literal:
      return path == prefix;
    case Shape::prefix_any:
      return path.starts_with(prefix);
    case Shape::prefix_segment:
      return path.starts_with(prefix) && path.find('/', prefix_size_) == std::string_view::npos;
    case Shape::general:
      return path.starts_with(prefix) && run_tokens(path);
  }
  return false;
}

// Adds the states reachable without reading. Empty moves only go forward, so
// one pass in order is enough.
void PathGlob::close_over_empty(char* active) const {
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (active[i] && may_be_empty(tokens_[i].kind)) active[i + 1] = 1;
  }
}

// The states after token `i` reads `c`, added to `next`.
void PathGlob::step(const GlobToken& tok, size_t i, char c, char* next) const {
  switch (tok.kind) {
    case Kind::literal:
      next[i + 1] |= c == tok.c;
      break;
    case Kind::any:
      next[i + 1] |= c != '/';
      break;
    case Kind::set: {
      std::string_view body = std::string_view(pattern_).substr(tok.set_at, tok.set_size);
      next[i + 1] |= c != '/' && set_contains(body, c) != tok.negated;
      break;
    }
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

// The NFA, started past the literal prefix: each prefix character is one
// literal token, already compared.
bool PathGlob::run_tokens(std::string_view path) const {
  size_t states = tokens_.size() + 1;
  char inline_a[kInlineStates + 1], inline_b[kInlineStates + 1];
  std::vector<char> heap_a, heap_b;
  char* active = inline_a;
  char* next = inline_b;
  if (states > sizeof inline_a) {
    heap_a.resize(states);
    heap_b.resize(states);
    active = heap_a.data();
    next = heap_b.data();
  }
  std::memset(active, 0, states);
  active[prefix_size_] = 1;
  close_over_empty(active);
  for (char c : path.substr(prefix_size_)) {
    std::memset(next, 0, states);
    bool alive = false;
    for (size_t i = prefix_size_; i < tokens_.size(); ++i) {
      if (active[i]) {
        step(tokens_[i], i, c, next);
        alive = true;
      }
    }
    if (!alive) return false;
    close_over_empty(next);
    std::swap(active, next);
  }
  return active[tokens_.size()] != 0;
}

GlobSet::GlobSet(const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    PathGlob glob(p);
    if (glob.is_literal()) {
      literals_.insert(p);
    } else {
      others_.push_back(std::move(glob));
    }
  }
}

bool GlobSet::matches(std::string_view path) const {
  if (!literals_.empty() && literals_.find(path) != literals_.end()) return true;
  return std::any_of(others_.begin(), others_.end(),
                     [path](const PathGlob& g) { return g.matches(path); });
}

bool glob_match(std::string_view pattern, std::string_view path) {
  return PathGlob(std::string(pattern)).matches(path);
}

std::string_view glob_literal_prefix(std::string_view pattern) {
  size_t end = pattern.find_first_of("*?[\\");
  return pattern.substr(0, end == std::string_view::npos ? pattern.size() : end);
}

}  // namespace c2audit
