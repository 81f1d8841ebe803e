// SyslogStreamSession: syslog over one TCP connection, for collectors without
// RELP: RFC 5425 over TLS (syslog+tls://, port 6514), or in clear with the
// same octet counting of RFC 6587 (syslog://, loopback unless told). Each
// message goes as "<length> <message>", so no byte of a record can end it
// early or start another.
//
// Such a collector acknowledges nothing, so the session proves delivery only
// at its end (window() == 0): close() writes what is pending, says it is done
// (TLS close_notify; in clear, the end of the stream) and waits for the
// collector to answer in kind, which it can only do after reading every byte
// before. A collector that died with bytes unread resets the connection
// instead; a TLS collector that ends without close_notify proves nothing.
//
// A collector's end proves delivery only when it answers ours: one that
// ended the session first (a restart, an idle timeout) or reset any byte we
// sent (every byte must be acknowledged by its TCP) proves nothing.
//
// The collector's certificate must be signed by --forward-ca and name the
// expected peer (OpenSSL's own host check). The socket never blocks: each
// operation (connect and handshake, a write, the close) has one deadline,
// so a collector that trickles or stays silent cannot hold it longer.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/deadline.h"
#include "common/file_descriptor.h"
#include "common/result.h"
#include "forward/forward_destination.h"
#include "forward/forward_session.h"

namespace c2audit {

class SyslogStreamSession final : public ForwardSession {
 public:
  static Result<std::unique_ptr<SyslogStreamSession>> connect(const ForwardDestination& destination,
                                                              int timeout_s);
  ~SyslogStreamSession() override;
  SyslogStreamSession(const SyslogStreamSession&) = delete;
  SyslogStreamSession& operator=(const SyslogStreamSession&) = delete;

  Result<void> send(std::string_view message) override;
  size_t window() const override { return 0; }
  Result<void> close() override;

  struct Tls;  // OpenSSL's context and connection

 private:
  SyslogStreamSession(FileDescriptor socket, std::unique_ptr<Tls> tls, int timeout_s);
  Result<void> flush();
  Result<void> write_all(std::string_view bytes, const Deadline& deadline);
  bool collector_ended_first() const;
  Result<void> await_collector_end(const Deadline& deadline);
  Result<void> await_bytes_acknowledged(const Deadline& deadline);

  FileDescriptor socket_;     // non-blocking
  std::unique_ptr<Tls> tls_;  // null in clear
  int timeout_s_;             // each operation's deadline
  std::string pending_;       // framed messages not yet written: written in large pieces
};

}  // namespace c2audit
