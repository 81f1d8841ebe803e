#include "cli/daemon_request.h"

#include <fmt/format.h>

#include "control/control_server.h"

namespace c2audit::cli {

Result<nlohmann::json> ask_daemon(const std::string& socket, ControlRequest request) {
  auto reply = control_request(socket, request_word(request));
  if (!reply) return tl::unexpected(reply.error());
  auto json = nlohmann::json::parse(*reply, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return fail(fmt::format("{}: unreadable reply from c2auditd", socket));
  }
  if (json.contains("error")) return fail(fmt::format("{}: {}", socket, json["error"].dump()));
  return json;
}

}  // namespace c2audit::cli
