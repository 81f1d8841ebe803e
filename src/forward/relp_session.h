// RelpSession: one connection to a collector through Debian's librelp, used
// by one thread only. RELP acknowledges every message, in order; librelp
// sends up to kWindow messages ahead of the acknowledgements and says
// nothing about which were acknowledged, so:
//  - after a send returns, every message sent kWindow sends before it has
//    been acknowledged (the window was full, or the ack was read);
//  - close() sends RELP's close and waits for its answer, which comes after
//    the answers to every earlier message: success means all were
//    acknowledged.
// On any failure the caller ends the session and sends again from what it
// knows was acknowledged; a message may then arrive twice, never not at all.
//
// TLS goes through OpenSSL (librelp 1.11's GnuTLS "certvalid" mode accepts a
// certificate of any CA), in "name" mode: the collector's certificate must
// be signed by the given CA and name the expected peer.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "forward/forward_destination.h"
#include "forward/forward_session.h"

namespace c2audit {

class RelpSession final : public ForwardSession {
 public:
  static constexpr int kWindow = 128;  // librelp's default window, stated

  // Connects (TLS handshake included). Errors say what librelp reported.
  static Result<std::unique_ptr<RelpSession>> connect(const ForwardDestination& destination,
                                                      int timeout_s);
  ~RelpSession() override;  // ends the session without waiting for acknowledgements
  RelpSession(const RelpSession&) = delete;
  RelpSession& operator=(const RelpSession&) = delete;

  Result<void> send(std::string_view message) override;
  size_t window() const override { return kWindow; }
  // Ends the session; succeeds only when every message sent was acknowledged.
  Result<void> close() override;

  struct Engine;  // librelp's engine and client, and the errors it reported

 private:
  explicit RelpSession(std::unique_ptr<Engine> engine);
  std::unique_ptr<Engine> engine_;
};

}  // namespace c2audit
