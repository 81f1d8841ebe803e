// Path globs, shared by objectives and `c2audit search --path`.
#pragma once

#include <string_view>

namespace c2audit {

// Glob match of a whole path. `*` matches any run of characters except '/',
// `**` any run including '/', and `**/` (at the start or after a '/') zero or
// more whole directories, so "/home/**/.ssh" matches "/home/.ssh" too. `?` is
// one character but '/', `[abc]` `[a-z]` `[!a-z]` `[^a-z]` a class (never
// '/'), and a backslash makes the next character literal.
bool glob_match(std::string_view pattern, std::string_view path);

// Whether the glob matches either of a record's two paths (an empty one
// never matches): what objectives and `search --path` both ask.
inline bool glob_match_either(std::string_view pattern, std::string_view path,
                              std::string_view path2) {
  return (!path.empty() && glob_match(pattern, path)) ||
         (!path2.empty() && glob_match(pattern, path2));
}

// The part of `pattern` before its first special character: every path the
// glob matches starts with it ("/etc/ssh/*" -> "/etc/ssh/").
std::string_view glob_literal_prefix(std::string_view pattern);

}  // namespace c2audit
