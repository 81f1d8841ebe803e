// ControlServer: the daemon's end of the control socket. Created 0600 (in a
// 0700 directory when it has to create one), so only root can connect. Non-blocking: the daemon calls
// serve_pending() from its loop; each request is answered at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "common/file_descriptor.h"
#include "common/result.h"

namespace c2audit {

// Who sent a request (SO_PEERCRED), for the records of what it changed.
struct ControlPeer {
  int pid = 0;
  uint32_t uid = 0;
};

class ControlServer {
 public:
  using Handler = std::function<std::string(std::string_view request, const ControlPeer& peer)>;

  // Fails when the path is in use by a live daemon or cannot be created.
  static Result<ControlServer> listen(const std::filesystem::path& path);

  ControlServer(ControlServer&&) noexcept = default;
  ControlServer& operator=(ControlServer&&) noexcept = default;
  ~ControlServer();  // removes the socket file

  // Answers every connection waiting to be accepted.
  void serve_pending(const Handler& handler);

  int fd() const { return socket_.get(); }

 private:
  ControlServer(FileDescriptor socket, std::filesystem::path path)
      : socket_(std::move(socket)), path_(std::move(path)) {}
  FileDescriptor socket_;
  std::filesystem::path path_;
};

// Sends one request to a running daemon and returns its reply.
Result<std::string> control_request(const std::filesystem::path& path, std::string_view request);

}  // namespace c2audit
