#include "control/control_server.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/private_path.h"
#include "control/control_protocol.h"

namespace c2audit {
namespace {

Result<sockaddr_un> socket_address(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.native().size() >= sizeof(addr.sun_path)) {
    return fail(fmt::format("{}: control socket path too long", path.native()));
  }
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  return addr;
}

using Clock = std::chrono::steady_clock;

// The daemon's side: a request is one short line, written at once.
constexpr auto kPeerDeadline = std::chrono::milliseconds(500);

// Waits for `events` until `deadline`: a peer gets one deadline for its whole
// exchange, so one that sends a byte now and then cannot hold the daemon.
bool wait_until(int fd, short events, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(left.count())) == 1;
}

bool wait_for(int fd, short events) {
  return wait_until(fd, events, Clock::now() + std::chrono::milliseconds(kControlTimeoutMs));
}

void write_all(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty() && wait_until(fd, POLLOUT, deadline)) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(n);
  }
}

// True when a daemon answers on the socket (so it must not be replaced).
bool socket_is_live(const sockaddr_un& addr) {
  FileDescriptor probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return probe.valid() &&
         ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
}

}  // namespace

// One connected client: its request so far, and when it must be done.
struct ControlServer::Client {
  FileDescriptor fd;
  ControlPeer peer;
  bool root = false;
  std::string request;
  Clock::time_point deadline;
};

Result<ControlServer> ControlServer::listen(const std::filesystem::path& path) {
  auto addr = socket_address(path);
  if (!addr) return tl::unexpected(addr.error());
  // A directory we create is root-only. One that exists must be root's and
  // writable by no one else (not /tmp): else anyone could plant a socket or
  // a file at the path first.
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return fail(fmt::format("{}: cannot create control directory: {}", dir.native(),
                              std::strerror(errno)));
    }
  }
  if (auto ok = check_private_directory(dir, "control socket directory"); !ok) {
    return tl::unexpected(ok.error());
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return fail(fmt::format("{}: exists and is not a socket; not removed", path.native()));
    }
    if (socket_is_live(*addr)) {
      return fail(fmt::format("{}: another c2auditd is already running", path.native()));
    }
    ::unlink(path.c_str());  // a stale socket from a daemon that died
  }
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) ||
      ::chmod(path.c_str(), 0600) || ::listen(fd.get(), SOMAXCONN)) {
    return fail(fmt::format("{}: control socket: {}", path.native(), std::strerror(errno)));
  }
  return ControlServer(std::move(fd), path);
}

ControlServer::~ControlServer() {
  if (socket_.valid()) ::unlink(path_.c_str());
}

ControlServer::ControlServer(FileDescriptor socket, std::filesystem::path path)
    : socket_(std::move(socket)), path_(std::move(path)) {}
ControlServer::ControlServer(ControlServer&&) noexcept = default;
ControlServer& ControlServer::operator=(ControlServer&&) noexcept = default;

void ControlServer::serve(const Handler& handler, int timeout_ms) {
  // With every place taken, new connections wait in the listen backlog
  // (the socket is not polled, or poll would return at once) until a
  // client is answered or runs out of time.
  bool room = clients_.size() < kMaxControlClients;
  std::vector<pollfd> fds{{room ? socket_.get() : -1, POLLIN, 0}};
  for (const auto& client : clients_) fds.push_back({client.fd.get(), POLLIN, 0});
  if (::poll(fds.data(), fds.size(), timeout_ms) < 0) return;  // EINTR: the caller looks at signals
  for (size_t i = 1; i < fds.size(); ++i) {
    if (fds[i].revents) read_request(clients_[i - 1], handler);
  }
  std::erase_if(clients_, [now = Clock::now()](const Client& c) {
    return !c.fd.valid() || now >= c.deadline;
  });
  if (fds[0].revents & POLLIN) accept_clients();
}

// Takes waiting connections while there is room.
void ControlServer::accept_clients() {
  while (clients_.size() < kMaxControlClients) {
    FileDescriptor fd(::accept4(socket_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd.valid()) return;  // EAGAIN: nobody waiting
    Client client{std::move(fd), {}, false, {}, Clock::now() + kPeerDeadline};
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (::getsockopt(client.fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
      client.peer = {cred.pid, cred.uid};
      client.root = cred.uid == 0;
    }
    clients_.push_back(std::move(client));
  }
}

// Reads what the client sent; once its line is whole, answers and hangs up.
void ControlServer::read_request(Client& client, const Handler& handler) {
  char buf[256];
  ssize_t n = ::read(client.fd.get(), buf, sizeof(buf));
  if (n <= 0) {
    client.fd.reset();
    return;
  }
  client.request.append(buf, n);
  size_t end = client.request.find('\n');
  if (end == std::string::npos && client.request.size() < kMaxRequestBytes) return;
  std::string_view line = std::string_view(client.request).substr(0, end);
  std::string reply = client.root ? handler(line, client.peer)
                                  : R"({"error":"refused: the control socket serves root only"})";
  reply += '\n';
  // Replies are small: a socket buffer takes them whole. A client that does
  // not read is not waited for.
  (void)::send(client.fd.get(), reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  client.fd.reset();
}

Result<std::string> control_request(const std::filesystem::path& path, std::string_view request) {
  auto addr = socket_address(path);
  if (!addr) return tl::unexpected(addr.error());
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid() ||
      ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    return fail(fmt::format("{}: cannot reach c2auditd: {}{}", path.native(), std::strerror(errno),
                            errno == ENOENT || errno == ECONNREFUSED ? " (is it running?)" : ""));
  }
  write_all(fd.get(), std::string(request) + "\n",
            Clock::now() + std::chrono::milliseconds(kControlTimeoutMs));
  std::string reply;
  char buf[4096];
  while (wait_for(fd.get(), POLLIN)) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n <= 0) break;
    reply.append(buf, n);
  }
  if (reply.empty()) return fail(fmt::format("{}: c2auditd sent no reply", path.native()));
  while (!reply.empty() && reply.back() == '\n') reply.pop_back();
  return reply;
}

}  // namespace c2audit
