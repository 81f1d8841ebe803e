// ControlServer: the daemon's end of the control socket. Created 0600 (in a
// 0700 directory when it has to create one), so only root can connect, and
// a peer that is not root (SO_PEERCRED) is refused all the same. Fully
// non-blocking: the daemon calls serve() from its loop, which waits on the
// socket and every client at once; a client has one deadline for its whole
// request, and at most kMaxControlClients are served at a time, so no client
// (idle, dripping bytes, or one of a flood) holds up anything else.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_descriptor.h"
#include "common/result.h"

namespace c2audit {

// Who sent a request (SO_PEERCRED), for the records of what it changed.
struct ControlPeer {
  int pid = 0;
  uint32_t uid = 0;
};

// Clients served at once; more wait to be accepted.
inline constexpr size_t kMaxControlClients = 16;

class ControlServer {
 public:
  using Handler = std::function<std::string(std::string_view request, const ControlPeer& peer)>;

  // Fails when the path is in use by a live daemon or cannot be created.
  static Result<ControlServer> listen(const std::filesystem::path& path);

  ControlServer(ControlServer&&) noexcept;
  ControlServer& operator=(ControlServer&&) noexcept;
  ~ControlServer();  // removes the socket file

  // Waits up to timeout_ms for a connection or a client's bytes, answers
  // every request that is whole, and drops clients past their deadline.
  void serve(const Handler& handler, int timeout_ms);

 private:
  struct Client;
  ControlServer(FileDescriptor socket, std::filesystem::path path);
  void accept_clients();
  void read_request(Client& client, const Handler& handler);

  FileDescriptor socket_;
  std::filesystem::path path_;
  std::vector<Client> clients_;
};

// Sends one request to a running daemon and returns its reply.
Result<std::string> control_request(const std::filesystem::path& path, std::string_view request);

}  // namespace c2audit
