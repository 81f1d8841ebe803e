// AuditLogSocket: kernel audit's read-only multicast socket (the READLOG
// group, CAP_AUDIT_READ). It receives a copy of every record kernel audit
// emits, whether or not an audit daemon is registered, and never takes an
// audit daemon's place: auditd, journald and c2auditd can all listen.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/file_descriptor.h"
#include "common/result.h"

namespace c2audit {

class AuditLogSocket {
 public:
  // Fails when the kernel refuses (no CAP_AUDIT_READ, not the initial
  // namespaces), naming the call that failed.
  static Result<AuditLogSocket> open();

  struct ReadOutcome {
    uint64_t messages = 0;  // delivered to the callback
    bool overrun = false;   // the socket's buffer overflowed: messages were lost
    uint64_t malformed = 0; // datagrams whose netlink framing did not hold
  };
  using OnMessage = std::function<void(uint16_t type, std::string_view text)>;

  // Waits up to `timeout_ms` for messages and hands each to `on_message`.
  Result<ReadOutcome> read(int timeout_ms, const OnMessage& on_message);

 private:
  explicit AuditLogSocket(FileDescriptor fd) : fd_(std::move(fd)) {}
  FileDescriptor fd_;
};

}  // namespace c2audit
