#pragma once

#include <string_view>

namespace c2audit {

// The default objectives as an objective file (TOML text).
std::string_view default_objectives_toml();

}  // namespace c2audit
