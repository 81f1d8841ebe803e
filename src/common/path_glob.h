// Path globs, shared by objectives and `c2audit search --path`.
//
// `*` matches any run of characters except '/', `**` any run including '/',
// and `**/` (at the start or after a '/') zero or more whole directories, so
// "/home/**/.ssh" matches "/home/.ssh" too. `?` is one character but '/',
// `[abc]` `[a-z]` `[!a-z]` `[^a-z]` a class (never '/'), and a backslash makes
// the next character literal.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/string_hash.h"

namespace c2audit {

// One step of a compiled glob (see PathGlob).
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
  bool negated = false;
  uint32_t set_at = 0, set_size = 0;  // the class's body in the pattern, after ! or ^
};

// A glob compiled once, matched many times: what the daemon runs per record.
// The common shapes skip the general matcher: a glob without special
// characters is a string compare, "/etc/**" a prefix compare, "/etc/cron.d/*"
// a prefix compare and a search for '/'. Anything else is an NFA over the
// tokens, after the literal prefix has been compared. No allocation per match
// for globs of up to kInlineStates tokens.
class PathGlob {
 public:
  static constexpr size_t kInlineStates = 256;

  explicit PathGlob(std::string pattern);

  bool matches(std::string_view path) const;
  // No special character: the glob names exactly one path.
  bool is_literal() const { return shape_ == Shape::literal; }
  // "/dir/" when the glob is a directory followed only by stars ("/dir/**"):
  // it matches every path under that directory and nothing else. Empty
  // otherwise.
  std::string_view subtree() const;
  // The characters before the first special one (the whole glob when literal).
  std::string_view literal_prefix() const { return {pattern_.data(), prefix_size_}; }

 private:
  enum class Shape : uint8_t { literal, prefix_any, prefix_segment, general };

  bool run_tokens(std::string_view path) const;
  void step(const GlobToken& tok, size_t i, char c, char* next) const;
  void close_over_empty(char* active) const;

  std::string pattern_;
  std::vector<GlobToken> tokens_;
  Shape shape_ = Shape::general;
  size_t prefix_size_ = 0;  // literal characters before the first special one
};

// A list of globs that matches when any of them does, compiled once: what
// objectives and `c2audit search --path` match records with. Literal globs
// are kept in a hash set, so a policy naming 500 files costs one lookup, not
// 500 compares. Made from a list of globs, as written.
class GlobSet {
 public:
  GlobSet() = default;
  GlobSet(const std::vector<std::string>& patterns);  // NOLINT: a list of globs is a GlobSet
  GlobSet(std::initializer_list<std::string> patterns)
      : GlobSet(std::vector<std::string>(patterns)) {}

  bool empty() const { return literals_.empty() && others_.empty(); }
  bool matches(std::string_view path) const;
  // Whether either of a record's two paths matches (an empty one never does).
  bool matches_either(std::string_view path, std::string_view path2) const {
    return (!path.empty() && matches(path)) || (!path2.empty() && matches(path2));
  }

 private:
  StringSet literals_;
  std::vector<PathGlob> others_;
};

// Glob match of a whole path, compiling `pattern` for this one call.
bool glob_match(std::string_view pattern, std::string_view path);

// The part of `pattern` before its first special character: every path the
// glob matches starts with it ("/etc/ssh/*" -> "/etc/ssh/").
std::string_view glob_literal_prefix(std::string_view pattern);

}  // namespace c2audit
