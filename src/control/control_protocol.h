// The control socket protocol: a client connects to a root-only unix stream
// socket, writes one request line ("status"), and reads one JSON object as
// the reply; the server then closes the connection.
#pragma once

namespace c2audit {

inline constexpr const char* kDefaultControlSocket = "/run/c2audit/control.sock";
inline constexpr int kControlTimeoutMs = 2000;   // a client that stalls is dropped
inline constexpr int kMaxRequestBytes = 4096;

}  // namespace c2audit
