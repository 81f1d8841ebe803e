// Where the forwarder sends the trail, from c2auditd's --forward flags (or
// the same keys of its configuration file):
//
//   relp+tls://collector.example:2514   RELP over TLS (rsyslog's imrelp)
//   relp://127.0.0.1:2514               RELP in clear
//   syslog+tls://collector.example:6514 syslog over TLS (RFC 5425), for
//                                       collectors without RELP
//   syslog://127.0.0.1:514              syslog over TCP in clear (RFC 6587
//                                       octet counting)
//
// A destination in clear must be loopback, unless --forward-plaintext says
// otherwise. The port defaults to the scheme's (above). --forward may be
// given more than once; the other flags apply to every destination, and
// each destination has its own cursor. TLS needs the CA that signed the collector's
// certificate; the collector must present a certificate for the URL's host
// (or --forward-peer). A client certificate and key (mutual TLS) are
// optional, but go together. Every file must exist and be readable now:
// a destination that cannot work is refused at start, not at first send.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"
#include "forward/syslog_message.h"

#include <vector>

namespace c2audit {

inline constexpr uint16_t kDefaultRelpPort = 2514;
inline constexpr uint16_t kDefaultSyslogTlsPort = 6514;
inline constexpr uint16_t kDefaultSyslogPort = 514;

enum class Transport : uint8_t { relp, syslog };

struct ForwardFlags {
  std::vector<std::string> urls;  // empty: no forwarding
  std::string ca_file, cert_file, key_file;
  std::string peer;         // the name the collector's certificate must bear
  std::string format = "json";
  bool plaintext = false;   // allow a destination in clear that is not loopback
};

struct ForwardDestination {
  std::string url;
  Transport transport = Transport::relp;
  bool tls = true;
  std::string host;
  uint16_t port = kDefaultRelpPort;
  std::filesystem::path ca_file, cert_file, key_file;
  std::string peer;  // the certificate's name to check: the host unless given
  ForwardFormat format = ForwardFormat::json;
};

// One destination, `url` with the flags' other settings. Errors name the
// flag and what is wrong with its value.
Result<ForwardDestination> parse_destination(const std::string& url, const ForwardFlags& flags);

// Every --forward; two naming the same host and port are an error (their
// cursors would be one file).
Result<std::vector<ForwardDestination>> parse_destinations(const ForwardFlags& flags);

// 127.0.0.0/8, ::1 or "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace c2audit
