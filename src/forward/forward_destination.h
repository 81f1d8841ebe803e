// Where the forwarder sends the trail, from c2auditd's --forward flags (or
// the same keys of its configuration file):
//
//   relp+tls://collector.example:2514   RELP over TLS (rsyslog's imrelp)
//   relp://127.0.0.1:2514               RELP in clear: loopback only, unless
//                                       --forward-plaintext says otherwise
//
// The port defaults to 2514. TLS needs the CA that signed the collector's
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

namespace c2audit {

inline constexpr uint16_t kDefaultRelpPort = 2514;

struct ForwardFlags {
  std::string url;          // empty: no forwarding
  std::string ca_file, cert_file, key_file;
  std::string peer;         // the name the collector's certificate must bear
  std::string format = "json";
  bool plaintext = false;   // allow relp:// to a host that is not loopback
};

struct ForwardDestination {
  std::string url;
  bool tls = true;
  std::string host;
  uint16_t port = kDefaultRelpPort;
  std::filesystem::path ca_file, cert_file, key_file;
  std::string peer;  // the certificate's name to check: the host unless given
  ForwardFormat format = ForwardFormat::json;
};

// Errors name the flag and what is wrong with its value.
Result<ForwardDestination> parse_destination(const ForwardFlags& flags);

// 127.0.0.0/8, ::1 or "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace c2audit
