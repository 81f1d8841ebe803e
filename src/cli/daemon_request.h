// One request to the running daemon over its control socket
// (control_protocol.h), its reply parsed: for the commands that ask it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"

namespace c2audit::cli {

// The reply as a JSON object. Fails when the daemon cannot be reached, the
// reply is no JSON object, or it is the daemon's refusal ({"error": ...}).
Result<nlohmann::json> ask_daemon(const std::string& socket, const char* request);

}  // namespace c2audit::cli
