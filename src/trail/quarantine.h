// Files a writer cannot continue the trail from: a segment whose header is
// damaged, a newest segment that is corrupt or does not authenticate, or
// something that is not a file under a segment's name. Rather than stop
// auditing until an operator repairs the trail, c2auditd moves such a file
// into the stream directory's quarantine/ (read-only, its name kept behind
// a UTC time stamp), says so in a daemon record, and continues the chain
// after the last segment it can trust; `verify` reports every quarantined
// file, so nothing vanishes silently.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace c2audit {

inline constexpr const char* kQuarantineDir = "quarantine";

// Moves `file` (in `dir`) into `dir`/quarantine/; returns its new path.
Result<std::filesystem::path> quarantine_file(const std::filesystem::path& dir,
                                              const std::filesystem::path& file);

// The files in `dir`/quarantine/, sorted; none when it does not exist.
Result<std::vector<std::filesystem::path>> list_quarantined(const std::filesystem::path& dir);

}  // namespace c2audit
