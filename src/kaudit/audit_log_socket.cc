#include "kaudit/audit_log_socket.h"

#include <fmt/format.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace c2audit {
namespace {

// Room for bursts (a busy auditd rule set shares this socket's traffic) so
// that the rare user message is not lost behind them.
constexpr int kReceiveBufferBytes = 8 << 20;
// One netlink message is at most MAX_AUDIT_MESSAGE_LENGTH (8970) bytes.
constexpr size_t kDatagramBytes = 16 << 10;

Error os_error(const char* call) { return Error{fmt::format("{}: {}", call, std::strerror(errno))}; }

}  // namespace

Result<AuditLogSocket> AuditLogSocket::open() {
  FileDescriptor fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT));
  if (!fd.valid()) return tl::unexpected(os_error("socket(NETLINK_AUDIT)"));
  // As root a buffer past rmem_max is allowed; elsewhere keep the default.
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBufferBytes,
                   sizeof kReceiveBufferBytes) != 0) {
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &kReceiveBufferBytes, sizeof kReceiveBufferBytes);
  }
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return tl::unexpected(os_error("bind(kernel audit's read-only group)"));
  }
  return AuditLogSocket(std::move(fd));
}

Result<AuditLogSocket::ReadOutcome> AuditLogSocket::read(int timeout_ms,
                                                         const OnMessage& on_message) {
  ReadOutcome outcome;
  pollfd p{.fd = fd_.get(), .events = POLLIN, .revents = 0};
  int ready = ::poll(&p, 1, timeout_ms);
  if (ready < 0 && errno != EINTR) return tl::unexpected(os_error("poll(kernel audit socket)"));
  if (ready <= 0) return outcome;
  alignas(nlmsghdr) static thread_local std::array<char, kDatagramBytes> buffer;
  for (;;) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(fd_.get(), buffer.data(), buffer.size(), 0,
                           reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return outcome;
      if (errno == ENOBUFS) {
        outcome.overrun = true;
        continue;
      }
      return tl::unexpected(os_error("recvfrom(kernel audit socket)"));
    }
    if (from.nl_pid != 0) continue;  // only the kernel speaks on this group
    // Bounds from the datagram: a header's length is trusted only within it.
    size_t total = static_cast<size_t>(n), offset = 0;
    while (offset + NLMSG_HDRLEN <= total) {
      const auto* h = reinterpret_cast<const nlmsghdr*>(buffer.data() + offset);
      if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > total - offset) break;
      on_message(h->nlmsg_type,
                 {buffer.data() + offset + NLMSG_HDRLEN, h->nlmsg_len - NLMSG_HDRLEN});
      ++outcome.messages;
      offset += NLMSG_ALIGN(h->nlmsg_len);  // the last one's padding may pass the end
    }
    if (offset < total) ++outcome.malformed;  // bytes no whole message accounts for
  }
}

}  // namespace c2audit
