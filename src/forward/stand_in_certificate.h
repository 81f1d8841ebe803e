// StandInCertificate: a throwaway client key and self-signed certificate,
// made in memory at start, for TLS without a client certificate of the
// administrator's. librelp 1.11 (OpenSSL) checks the collector's name only
// when the client has a certificate of its own; without one it checks the
// chain alone, so any certificate of the CA would do. A collector that does
// not ask for client certificates never sees this one; one that does needs
// the administrator's (--forward-cert), as before.
//
// The files are memfds, named to librelp as /proc/self/fd/N: nothing is
// written to disk, and they go when this object does.
#pragma once

#include <string>

#include "common/file_descriptor.h"
#include "common/result.h"

namespace c2audit {

class StandInCertificate {
 public:
  static Result<StandInCertificate> make();
  std::string cert_path() const;
  std::string key_path() const;

 private:
  FileDescriptor cert_, key_;
};

}  // namespace c2audit
