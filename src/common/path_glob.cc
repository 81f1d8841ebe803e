#include "common/path_glob.h"

#include <algorithm>
#include <vector>

namespace c2audit {
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

}  // namespace

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

std::string_view glob_literal_prefix(std::string_view pattern) {
  size_t end = pattern.find_first_of("*?[\\");
  return pattern.substr(0, end == std::string_view::npos ? pattern.size() : end);
}

}  // namespace c2audit
