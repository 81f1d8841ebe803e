// Objective files: TOML, each a list of [[objective]] tables (format and
// examples in docs/objectives.md). Parsing validates everything an objective
// says — unknown keys, classes, syscalls, users, globs, values — and every
// error names its place as "file:line:column: why".
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "policy/objective.h"

namespace c2audit {

// Resolves a user name to its id; nullopt when there is no such user.
using UserLookup = std::function<std::optional<uint32_t>(const std::string&)>;

// The system's user database (getpwnam).
std::optional<uint32_t> system_user_id(const std::string& name);

// Parses one file's text; `source` names it in messages and locations.
Result<std::vector<Objective>> parse_objectives(std::string_view text, const std::string& source,
                                                const UserLookup& users = system_user_id);

// Reads and parses one file.
Result<std::vector<Objective>> read_objective_file(const std::filesystem::path& file,
                                                   const UserLookup& users = system_user_id);

}  // namespace c2audit
