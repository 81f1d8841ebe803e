#include "forward/syslog_stream_session.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/c_ptr.h"

namespace c2audit {
namespace {

constexpr size_t kWriteBytes = 64 * 1024;  // pending bytes that make a write

// OpenSSL's queue of errors as one line (and emptied, for the next call).
std::string openssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    text += text.empty() ? line : std::string("; ") + line;
  }
  return text.empty() ? std::string("no detail from OpenSSL") : text;
}

bool is_ip_address(const std::string& host) {
  in6_addr any{};
  return ::inet_pton(AF_INET, host.c_str(), &any) == 1 || ::inet_pton(AF_INET6, host.c_str(), &any) == 1;
}

// Waits for the socket to be ready (or to fail, which the next call says)
// until the deadline.
Result<void> wait_for(int fd, short events, const Deadline& deadline) {
  for (;;) {
    int left = deadline.remaining_ms();
    if (left <= 0) return fail("timed out");
    pollfd ready{.fd = fd, .events = events, .revents = 0};
    int polled = ::poll(&ready, 1, left);
    if (polled > 0) return {};
    if (polled < 0 && errno != EINTR) return fail(std::strerror(errno));
  }
}

Result<void> finish_connect(int fd, const Deadline& deadline) {
  if (auto ok = wait_for(fd, POLLOUT, deadline); !ok) return ok;
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) return fail(std::strerror(err));
  return {};
}

Result<FileDescriptor> connect_tcp(const ForwardDestination& d, const Deadline& deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(d.port);
  if (int rc = ::getaddrinfo(d.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return fail(fmt::format("connect: {}: {}", d.host, ::gai_strerror(rc)));
  }
  CPtr<addrinfo, ::freeaddrinfo> addresses(found);
  std::string why = "no address";
  for (const addrinfo* a = found; a; a = a->ai_next) {
    FileDescriptor fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (!fd.valid()) {
      why = std::strerror(errno);
      continue;
    }
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      why = std::strerror(errno);
      continue;
    }
    auto ok = finish_connect(fd.get(), deadline);
    if (ok) return fd;
    why = ok.error().message;
  }
  return fail(fmt::format("connect: {}:{}: {}", d.host, d.port, why));
}

}  // namespace

struct SyslogStreamSession::Tls {
  CPtr<SSL_CTX, SSL_CTX_free> context;
  CPtr<SSL, SSL_free> connection;

  // Runs an OpenSSL call on the non-blocking socket until it completes,
  // waiting as it asks, within the deadline. Its SSL_get_error kind:
  // SSL_ERROR_NONE when it succeeded.
  template <typename Call>
  Result<int> run(int fd, const Deadline& deadline, Call call) {
    for (;;) {
      ERR_clear_error();
      errno = 0;
      int rc = call();
      if (rc > 0) return SSL_ERROR_NONE;
      int kind = SSL_get_error(connection.get(), rc);
      if (kind != SSL_ERROR_WANT_READ && kind != SSL_ERROR_WANT_WRITE) return kind;
      if (auto ok = wait_for(fd, kind == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline); !ok) {
        return tl::unexpected(ok.error());
      }
    }
  }

  // What a call's failure `kind` means, for a message.
  static std::string failure(int kind) {
    if (kind == SSL_ERROR_SYSCALL) return errno != 0 ? std::strerror(errno) : "the collector ended the connection";
    if (kind == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
      return "the collector ended the connection";
    }
    return openssl_errors();
  }
};

namespace {

Result<void> load_credentials(SSL_CTX* context, const ForwardDestination& d) {
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(context, d.ca_file.c_str(), nullptr) != 1) {
    return fail(fmt::format("--forward-ca {}: {}", d.ca_file.native(), openssl_errors()));
  }
  if (d.cert_file.empty()) return {};
  if (SSL_CTX_use_certificate_chain_file(context, d.cert_file.c_str()) != 1) {
    return fail(fmt::format("--forward-cert {}: {}", d.cert_file.native(), openssl_errors()));
  }
  if (SSL_CTX_use_PrivateKey_file(context, d.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(context) != 1) {
    return fail(fmt::format("--forward-key {}: {}", d.key_file.native(), openssl_errors()));
  }
  return {};
}

// The name the collector's certificate must bear: a DNS name or an address.
Result<void> expect_peer(SSL* connection, const ForwardDestination& d) {
  bool ok = is_ip_address(d.peer) ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(connection), d.peer.c_str()) == 1
                                  : SSL_set1_host(connection, d.peer.c_str()) == 1;
  if (!is_ip_address(d.host)) ok = ok && SSL_set_tlsext_host_name(connection, d.host.c_str()) == 1;
  if (!ok) return fail(fmt::format("--forward-peer {}: {}", d.peer, openssl_errors()));
  return {};
}

std::string handshake_failure(const SyslogStreamSession::Tls& tls, int kind, const std::string& peer) {
  long verdict = SSL_get_verify_result(tls.connection.get());
  if (verdict == X509_V_ERR_HOSTNAME_MISMATCH || verdict == X509_V_ERR_IP_ADDRESS_MISMATCH) {
    return fmt::format("the collector's certificate does not name the expected peer ({})", peer);
  }
  if (verdict != X509_V_OK) {
    return fmt::format("the collector's certificate is not valid for the CA ({})",
                       X509_verify_cert_error_string(verdict));
  }
  return SyslogStreamSession::Tls::failure(kind);
}

Result<std::unique_ptr<SyslogStreamSession::Tls>> handshake(int fd, const ForwardDestination& d,
                                                            const Deadline& deadline) {
  ERR_clear_error();
  auto tls = std::make_unique<SyslogStreamSession::Tls>();
  tls->context.reset(SSL_CTX_new(TLS_client_method()));
  if (!tls->context) return fail("TLS: " + openssl_errors());
  if (auto ok = load_credentials(tls->context.get(), d); !ok) return tl::unexpected(ok.error());
  tls->connection.reset(SSL_new(tls->context.get()));
  if (!tls->connection || SSL_set_fd(tls->connection.get(), fd) != 1) return fail("TLS: " + openssl_errors());
  if (auto ok = expect_peer(tls->connection.get(), d); !ok) return tl::unexpected(ok.error());
  SSL* connection = tls->connection.get();
  auto kind = tls->run(fd, deadline, [connection] { return SSL_connect(connection); });
  if (!kind) {
    return fail(fmt::format("TLS handshake: {}: the collector accepted the connection and did not finish it",
                            kind.error().message));
  }
  if (*kind != SSL_ERROR_NONE) return fail("TLS handshake: " + handshake_failure(*tls, *kind, d.peer));
  return tls;
}

}  // namespace

Result<std::unique_ptr<SyslogStreamSession>> SyslogStreamSession::connect(const ForwardDestination& d,
                                                                          int timeout_s) {
  Deadline deadline(timeout_s);
  auto socket = connect_tcp(d, deadline);
  if (!socket) return tl::unexpected(socket.error());
  std::unique_ptr<Tls> tls;
  if (d.tls) {
    auto made = handshake(socket->get(), d, deadline);
    if (!made) return tl::unexpected(made.error());
    tls = std::move(*made);
  }
  return std::unique_ptr<SyslogStreamSession>(
      new SyslogStreamSession(std::move(*socket), std::move(tls), timeout_s));
}

SyslogStreamSession::SyslogStreamSession(FileDescriptor socket, std::unique_ptr<Tls> tls, int timeout_s)
    : socket_(std::move(socket)), tls_(std::move(tls)), timeout_s_(timeout_s) {}

SyslogStreamSession::~SyslogStreamSession() = default;  // the TLS state goes before the socket closes

Result<void> SyslogStreamSession::send(std::string_view message) {
  pending_ += std::to_string(message.size());
  pending_ += ' ';
  pending_ += message;
  if (pending_.size() < kWriteBytes) return {};
  return flush();
}

Result<void> SyslogStreamSession::flush() {
  auto ok = write_all(pending_, Deadline(timeout_s_));
  pending_.clear();
  return ok;
}

Result<void> SyslogStreamSession::write_all(std::string_view bytes, const Deadline& deadline) {
  int fd = socket_.get();
  while (!bytes.empty()) {
    size_t wrote = 0;
    if (tls_) {
      SSL* connection = tls_->connection.get();
      auto kind = tls_->run(fd, deadline, [&] { return SSL_write_ex(connection, bytes.data(), bytes.size(), &wrote); });
      if (!kind) return fail("send: " + kind.error().message);
      if (*kind != SSL_ERROR_NONE) return fail("send: " + Tls::failure(*kind));
    } else {
      ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (auto ok = wait_for(fd, POLLOUT, deadline); !ok) return fail("send: " + ok.error().message);
        continue;
      }
      if (n < 0) return fail(std::string("send: ") + std::strerror(errno));
      wrote = static_cast<size_t>(n);
    }
    bytes.remove_prefix(wrote);
  }
  return {};
}

// A collector that ended the session before we did (a restart, an idle
// timeout) would answer our end with its earlier one: that proves nothing.
bool SyslogStreamSession::collector_ended_first() const {
  pollfd ready{.fd = socket_.get(), .events = POLLRDHUP, .revents = 0};
  return ::poll(&ready, 1, 0) == 1 && (ready.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

Result<void> SyslogStreamSession::close() {
  if (collector_ended_first()) return fail("close: the collector ended the session first: delivery unproven");
  if (auto ok = flush(); !ok) return ok;
  Deadline deadline(timeout_s_);
  if (tls_) {
    SSL* connection = tls_->connection.get();
    // 0: our close_notify is sent, the collector's not yet read (below).
    auto kind = tls_->run(socket_.get(), deadline, [connection] { return SSL_shutdown(connection) >= 0 ? 1 : -1; });
    if (!kind) return fail("close: " + kind.error().message);
    if (*kind != SSL_ERROR_NONE) return fail("close: " + Tls::failure(*kind));
  } else if (::shutdown(socket_.get(), SHUT_WR) != 0) {
    return fail(std::string("close: ") + std::strerror(errno));
  }
  if (auto ok = await_collector_end(deadline); !ok) return ok;
  return await_bytes_acknowledged(deadline);
}

// After our end of the stream, the collector's: anything else is a failure.
Result<void> SyslogStreamSession::await_collector_end(const Deadline& deadline) {
  char byte[512];
  int fd = socket_.get();
  if (tls_) {
    SSL* connection = tls_->connection.get();
    auto kind = tls_->run(fd, deadline, [&] { return SSL_read(connection, byte, sizeof byte); });
    if (!kind) return fail("close: " + kind.error().message);
    if (*kind == SSL_ERROR_NONE) return fail("close: the collector sent data (a syslog collector sends none)");
    if (*kind == SSL_ERROR_ZERO_RETURN) return {};
    std::string why = Tls::failure(*kind);
    if (why == "the collector ended the connection") {
      return fail("close: the collector ended the connection without TLS's close_notify: delivery unproven");
    }
    return fail("close: " + why);
  }
  for (;;) {
    ssize_t n = ::recv(fd, byte, sizeof byte, MSG_DONTWAIT);
    if (n == 0) return {};
    if (n > 0) return fail("close: the collector sent data (a syslog collector sends none)");
    if (errno != EAGAIN && errno != EINTR) return fail(std::string("close: ") + std::strerror(errno));
    if (auto ok = wait_for(fd, POLLIN, deadline); !ok) return fail("close: " + ok.error().message);
  }
}

// The collector's end proves it read what came before it only if every byte
// we sent reached it: a collector whose socket was already closed answers
// them with a reset, not an acknowledgement.
Result<void> SyslogStreamSession::await_bytes_acknowledged(const Deadline& deadline) {
  for (;;) {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(socket_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return fail(fmt::format("close: {}: delivery unproven", std::strerror(err)));
    int unacknowledged = 0;
    if (::ioctl(socket_.get(), SIOCOUTQ, &unacknowledged) != 0) {
      return fail(std::string("close: ") + std::strerror(errno));
    }
    if (unacknowledged == 0) return {};
    if (deadline.remaining_ms() <= 0) return fail("close: timed out: the collector did not acknowledge every byte");
    ::poll(nullptr, 0, 2);
  }
}

}  // namespace c2audit
