// ForwardSession: one connection to a collector, whatever the transport.
// Transports differ in how they say that the collector took a message:
//  - RELP acknowledges each message; a sender learns of it by the window
//    (window() > 0): once a send returns, the message sent window() sends
//    before it was acknowledged;
//  - syslog over TCP or TLS (RFC 6587, RFC 5425) acknowledges nothing
//    (window() == 0): only an orderly close, answered by the collector
//    after it read everything before it, proves the messages arrived.
// Either way close() succeeds only when every message sent was taken; on
// any failure the caller drops the session and sends again from what it
// knows arrived, so a message may arrive twice, never not at all.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "common/result.h"
#include "forward/forward_destination.h"

namespace c2audit {

class ForwardSession {
 public:
  virtual ~ForwardSession() = default;  // drops the connection, confirming nothing

  virtual Result<void> send(std::string_view message) = 0;
  // Sends after which a message is known acknowledged; 0: only close() tells.
  virtual size_t window() const = 0;
  // Ends the session; succeeds only when the collector took every message.
  virtual Result<void> close() = 0;
};

// Connects to the destination by its transport (TLS handshake included);
// `timeout_s` bounds the connect and each wait for the collector.
Result<std::unique_ptr<ForwardSession>> connect_session(const ForwardDestination& destination,
                                                        int timeout_s);

}  // namespace c2audit
