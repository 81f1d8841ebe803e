// Converts Linux Audit rules (audit.rules, auditctl syntax) into a c2audit
// objective file, so a site can bring its existing audit policy along. The
// conversion never guesses silently: every rule that cannot be expressed is
// listed with the reason, and every rule converted with a different meaning
// (broader, narrower or matched on another field) is listed with what differs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace c2audit {

// A source line that was not converted, or converted approximately.
struct ImportNote {
  int line;          // 1-based line number in the rules text
  std::string text;  // the line as written
  std::string why;   // e.g. "unknown option -l"
};

struct AuditdImport {
  std::string toml;  // objective file text: one [[objective]] per converted rule,
                     // each with a comment naming its source line
  int converted = 0;
  std::vector<ImportNote> skipped;         // lines that could not be converted (why)
  std::vector<ImportNote> approximations;  // converted, but not exactly (why)
};

// Converts `rules_text`; `source_name` (a file name) appears in the comments.
// Blank lines, comments and control lines (-D, -b, -e, ...) are neither
// converted nor noted. Never throws for any input.
AuditdImport import_auditd_rules(std::string_view rules_text, std::string_view source_name);

}  // namespace c2audit
