// One request to the running daemon over its control socket
// (control_protocol.h), its reply parsed: for the commands that ask it.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"
#include "control/control_protocol.h"
#include "control/control_replies.h"

namespace c2audit::cli {

// The reply as a JSON object, as sent (what --json prints). Fails when the
// daemon cannot be reached, the reply is no JSON object, or it is the
// daemon's refusal ({"error": ...}).
Result<nlohmann::json> ask_daemon(const std::string& socket, ControlRequest request);

// The reply read into its type (control_replies.h); a key of the wrong type
// makes it unreadable.
template <typename Reply>
Result<Reply> read_reply(const nlohmann::json& reply, const std::string& socket) {
  try {
    return reply.get<Reply>();
  } catch (const nlohmann::json::exception& e) {
    return fail(fmt::format("{}: unreadable reply from c2auditd: {}", socket, e.what()));
  }
}

// Both at once, for the commands that only print the typed reply.
template <typename Reply>
Result<Reply> ask_daemon_for(const std::string& socket, ControlRequest request) {
  auto reply = ask_daemon(socket, request);
  if (!reply) return tl::unexpected(reply.error());
  return read_reply<Reply>(*reply, socket);
}

}  // namespace c2audit::cli
