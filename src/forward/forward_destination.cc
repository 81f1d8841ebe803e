#include "forward/forward_destination.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "common/decimal.h"
#include "common/file_descriptor.h"

namespace c2audit {
namespace {

struct Scheme {
  std::string_view prefix;
  Transport transport;
  bool tls;
  uint16_t port;
};
constexpr Scheme kSchemes[] = {
    {"relp+tls://", Transport::relp, true, kDefaultRelpPort},
    {"relp://", Transport::relp, false, kDefaultRelpPort},
    {"syslog+tls://", Transport::syslog, true, kDefaultSyslogTlsPort},
    {"syslog://", Transport::syslog, false, kDefaultSyslogPort},
};

// "host:port", "host", "[v6]:port" or "[v6]".
Result<void> split_host_port(std::string_view rest, ForwardDestination& out) {
  std::string_view port_text;
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return fail("'[' without ']'");
    out.host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return fail("text after ']' that is not ':<port>'");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    size_t colon = rest.rfind(':');
    out.host = rest.substr(0, colon);
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
    if (out.host.find(':') != std::string::npos) return fail("an IPv6 address goes in [brackets]");
  }
  if (out.host.empty()) return fail("no host");
  for (char c : out.host) {
    bool fine = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_';
    if (!fine) return fail(fmt::format("host '{}' has a character a host name cannot", out.host));
  }
  if (port_text.empty() && rest.ends_with(':')) return fail("':' without a port");
  if (!port_text.empty()) {
    auto port = parse_decimal<uint16_t>(port_text);
    if (!port || *port == 0) return fail(fmt::format("port '{}' is not 1..65535", port_text));
    out.port = *port;
  }
  return {};
}

// Readable by this process now, a regular file (links are fine: certificates
// often live behind them, and nothing here writes through them).
Result<void> check_readable(const std::string& flag, const std::string& file) {
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fail(fmt::format("{} {}: {}", flag, file, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(fmt::format("{} {}: not a regular file", flag, file));
  }
  return {};
}

Result<void> check_tls_files(const ForwardFlags& flags, ForwardDestination& out) {
  if (flags.ca_file.empty()) {
    return fail(fmt::format("--forward {}: TLS needs --forward-ca (the CA that signed the collector's certificate)", out.url));
  }
  if (flags.cert_file.empty() != flags.key_file.empty()) {
    return fail("--forward-cert and --forward-key go together (mutual TLS), or neither");
  }
  for (auto [flag, file] : {std::pair{"--forward-ca", &flags.ca_file}, std::pair{"--forward-cert", &flags.cert_file},
                            std::pair{"--forward-key", &flags.key_file}}) {
    if (file->empty()) continue;
    if (auto ok = check_readable(flag, *file); !ok) return ok;
  }
  out.ca_file = flags.ca_file;
  out.cert_file = flags.cert_file;
  out.key_file = flags.key_file;
  return {};
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

Result<ForwardDestination> parse_destination(const std::string& url, const ForwardFlags& flags) {
  ForwardDestination out;
  out.url = url;
  const Scheme* scheme = nullptr;
  for (const auto& s : kSchemes) {
    if (std::string_view(url).starts_with(s.prefix)) scheme = &s;
  }
  if (!scheme) {
    return fail(fmt::format("--forward {}: not relp+tls://, relp://, syslog+tls:// or syslog:// followed by "
                            "host[:port]", url));
  }
  out.transport = scheme->transport;
  out.tls = scheme->tls;
  out.port = scheme->port;
  std::string_view rest = std::string_view(url).substr(scheme->prefix.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (auto ok = split_host_port(rest, out); !ok) {
    return fail(fmt::format("--forward {}: {}", url, ok.error().message));
  }
  auto format = parse_forward_format(flags.format);
  if (!format) return fail("--forward-format: " + format.error().message);
  out.format = *format;
  out.peer = flags.peer.empty() ? out.host : flags.peer;
  if (out.tls) {
    if (auto ok = check_tls_files(flags, out); !ok) return tl::unexpected(ok.error());
    return out;
  }
  if (!flags.ca_file.empty() || !flags.cert_file.empty() || !flags.key_file.empty()) {
    return fail(fmt::format("--forward {}: certificates given for a destination in clear; did you mean {}+tls://?",
                            url, scheme->transport == Transport::relp ? "relp" : "syslog"));
  }
  if (!is_loopback_host(out.host) && !flags.plaintext) {
    return fail(fmt::format("--forward {}: records would cross the network in clear; use a +tls:// scheme, "
                            "or say --forward-plaintext if that is meant", url));
  }
  return out;
}

Result<std::vector<ForwardDestination>> parse_destinations(const ForwardFlags& flags) {
  if (!flags.peer.empty() && flags.urls.size() > 1) {
    return fail("--forward-peer names one collector's certificate; with several --forward, each is checked "
                "against its own host name");
  }
  std::vector<ForwardDestination> out;
  for (const auto& url : flags.urls) {
    auto destination = parse_destination(url, flags);
    if (!destination) return tl::unexpected(destination.error());
    for (const auto& earlier : out) {
      if (earlier.host == destination->host && earlier.port == destination->port) {
        return fail(fmt::format("--forward {}: the same collector as --forward {}", url, earlier.url));
      }
    }
    out.push_back(std::move(*destination));
  }
  return out;
}

}  // namespace c2audit
