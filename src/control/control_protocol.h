// The control socket protocol: a client connects to a root-only unix stream
// socket, writes one request line ("status"), and reads one JSON object as
// the reply (control_replies.h; {"error": "..."} for a request it does not
// know); the server then closes the connection.
#pragma once

#include <optional>
#include <string_view>

namespace c2audit {

inline constexpr const char* kDefaultControlSocket = "/run/c2audit/control.sock";
inline constexpr int kControlTimeoutMs = 2000;   // a client that stalls is dropped
inline constexpr int kMaxRequestBytes = 4096;

enum class ControlRequest { status, objectives, reload };

// The request's word on the wire.
const char* request_word(ControlRequest request);

// The request in what a client sent: its first line, exactly one of the
// request words (a trailing '\r' allowed); nullopt for anything else.
std::optional<ControlRequest> parse_control_request(std::string_view received);

}  // namespace c2audit
