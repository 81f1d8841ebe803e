#include "forward/forward_session.h"

#include "forward/relp_session.h"
#include "forward/syslog_stream_session.h"

namespace c2audit {

Result<std::unique_ptr<ForwardSession>> connect_session(const ForwardDestination& destination, int timeout_s) {
  if (destination.transport == Transport::relp) {
    auto relp = RelpSession::connect(destination, timeout_s);
    if (!relp) return tl::unexpected(relp.error());
    return std::unique_ptr<ForwardSession>(std::move(*relp));
  }
  auto syslog = SyslogStreamSession::connect(destination, timeout_s);
  if (!syslog) return tl::unexpected(syslog.error());
  return std::unique_ptr<ForwardSession>(std::move(*syslog));
}

}  // namespace c2audit
