#include "forward/syslog_stream_session.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace c2audit {
namespace {

constexpr size_t kWriteBytes = 64 * 1024;  // pending bytes that make a write

template <typename T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};

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

// Waits for a non-blocking connect; the socket is then blocking, each wait
// on it bounded by the timeout (SO_RCVTIMEO, SO_SNDTIMEO).
Result<void> finish_connect(int fd, int timeout_s) {
  pollfd ready{.fd = fd, .events = POLLOUT, .revents = 0};
  int polled = ::poll(&ready, 1, timeout_s * 1000);
  if (polled == 0) return fail("timed out");
  int err = 0;
  socklen_t len = sizeof err;
  if (polled < 0) err = errno;
  else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) return fail(std::strerror(err));
  timeval bound{.tv_sec = timeout_s, .tv_usec = 0};
  if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound) != 0) {
    return fail(std::strerror(errno));
  }
  return {};
}

Result<FileDescriptor> connect_tcp(const ForwardDestination& d, int timeout_s) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(d.port);
  if (int rc = ::getaddrinfo(d.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return fail(fmt::format("connect: {}: {}", d.host, ::gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, Freer<addrinfo, ::freeaddrinfo>> addresses(found);
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
    auto ok = finish_connect(fd.get(), timeout_s);
    if (ok) return fd;
    why = ok.error().message;
  }
  return fail(fmt::format("connect: {}:{}: {}", d.host, d.port, why));
}

}  // namespace

struct SyslogStreamSession::Tls {
  std::unique_ptr<SSL_CTX, Freer<SSL_CTX, SSL_CTX_free>> context;
  std::unique_ptr<SSL, Freer<SSL, SSL_free>> connection;

  // What an OpenSSL call that returned `rc` means, for a message.
  std::string failure(int rc) const {
    int kind = SSL_get_error(connection.get(), rc);
    if (kind == SSL_ERROR_WANT_READ || kind == SSL_ERROR_WANT_WRITE) return "timed out";
    if (kind == SSL_ERROR_SYSCALL) {
      return errno != 0 ? std::strerror(errno) : "the collector ended the connection";
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

std::string handshake_failure(const SyslogStreamSession::Tls& tls, int rc, const std::string& peer) {
  long verdict = SSL_get_verify_result(tls.connection.get());
  if (verdict == X509_V_ERR_HOSTNAME_MISMATCH || verdict == X509_V_ERR_IP_ADDRESS_MISMATCH) {
    return fmt::format("the collector's certificate does not name the expected peer ({})", peer);
  }
  if (verdict != X509_V_OK) {
    return fmt::format("the collector's certificate is not valid for the CA ({})",
                       X509_verify_cert_error_string(verdict));
  }
  std::string why = tls.failure(rc);
  if (why == "timed out") return "timed out: the collector accepted the connection and did not answer";
  return why;
}

Result<std::unique_ptr<SyslogStreamSession::Tls>> handshake(int fd, const ForwardDestination& d) {
  ERR_clear_error();
  auto tls = std::make_unique<SyslogStreamSession::Tls>();
  tls->context.reset(SSL_CTX_new(TLS_client_method()));
  if (!tls->context) return fail("TLS: " + openssl_errors());
  if (auto ok = load_credentials(tls->context.get(), d); !ok) return tl::unexpected(ok.error());
  tls->connection.reset(SSL_new(tls->context.get()));
  if (!tls->connection || SSL_set_fd(tls->connection.get(), fd) != 1) return fail("TLS: " + openssl_errors());
  if (auto ok = expect_peer(tls->connection.get(), d); !ok) return tl::unexpected(ok.error());
  errno = 0;
  int rc = SSL_connect(tls->connection.get());
  if (rc != 1) return fail("TLS handshake: " + handshake_failure(*tls, rc, d.peer));
  return tls;
}

}  // namespace

Result<std::unique_ptr<SyslogStreamSession>> SyslogStreamSession::connect(const ForwardDestination& d,
                                                                          int timeout_s) {
  auto socket = connect_tcp(d, timeout_s);
  if (!socket) return tl::unexpected(socket.error());
  std::unique_ptr<Tls> tls;
  if (d.tls) {
    auto made = handshake(socket->get(), d);
    if (!made) return tl::unexpected(made.error());
    tls = std::move(*made);
  }
  return std::unique_ptr<SyslogStreamSession>(new SyslogStreamSession(std::move(*socket), std::move(tls)));
}

SyslogStreamSession::SyslogStreamSession(FileDescriptor socket, std::unique_ptr<Tls> tls)
    : socket_(std::move(socket)), tls_(std::move(tls)) {}

SyslogStreamSession::~SyslogStreamSession() = default;  // the TLS state goes before the socket closes

Result<void> SyslogStreamSession::send(std::string_view message) {
  pending_ += std::to_string(message.size());
  pending_ += ' ';
  pending_ += message;
  if (pending_.size() < kWriteBytes) return {};
  return flush();
}

Result<void> SyslogStreamSession::flush() {
  auto ok = write_all(pending_);
  pending_.clear();
  return ok;
}

Result<void> SyslogStreamSession::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t wrote = 0;
    errno = 0;
    if (tls_) {
      ERR_clear_error();
      int rc = SSL_write_ex(tls_->connection.get(), bytes.data(), bytes.size(), &wrote);
      if (rc != 1) return fail("send: " + tls_->failure(rc));
    } else {
      ssize_t n = ::send(socket_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(std::string("send: ") + (errno == EAGAIN ? "timed out" : std::strerror(errno)));
      wrote = static_cast<size_t>(n);
    }
    bytes.remove_prefix(wrote);
  }
  return {};
}

Result<void> SyslogStreamSession::close() {
  if (auto ok = flush(); !ok) return ok;
  if (tls_) {
    ERR_clear_error();
    if (SSL_shutdown(tls_->connection.get()) < 0) return fail("close: " + tls_->failure(-1));
  } else if (::shutdown(socket_.get(), SHUT_WR) != 0) {
    return fail(std::string("close: ") + std::strerror(errno));
  }
  return await_collector_end();
}

// After our end of the stream, the collector's: anything else is a failure.
Result<void> SyslogStreamSession::await_collector_end() {
  char byte[512];
  errno = 0;
  if (tls_) {
    ERR_clear_error();
    int rc = SSL_read(tls_->connection.get(), byte, sizeof byte);
    if (rc > 0) return fail("close: the collector sent data (a syslog collector sends none)");
    if (SSL_get_error(tls_->connection.get(), rc) == SSL_ERROR_ZERO_RETURN) return {};
    if (SSL_get_error(tls_->connection.get(), rc) == SSL_ERROR_SYSCALL && errno == 0) {
      return fail("close: the collector ended the connection without TLS's close_notify: delivery unproven");
    }
    return fail("close: " + tls_->failure(rc));
  }
  for (;;) {
    ssize_t n = ::recv(socket_.get(), byte, sizeof byte, 0);
    if (n == 0) return {};
    if (n > 0) return fail("close: the collector sent data (a syslog collector sends none)");
    if (errno == EINTR) continue;
    return fail(std::string("close: ") + (errno == EAGAIN ? "timed out" : std::strerror(errno)));
  }
}

}  // namespace c2audit
