// UserMessageSource: c2auditd's second source. A thread reads kernel audit's
// multicast socket, keeps the user messages (is_user_message_type) and turns
// each into a record (user_record.h) for the daemon's main loop to judge and
// append to the trail. It never stops the daemon: when the kernel refuses,
// the source is down, says why once, and syscalls are audited as before.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kaudit/audit_log_socket.h"
#include "kaudit/kernel_audit_switch.h"
#include "record/audit_record.h"

namespace c2audit {

struct UserMessageCounts {
  uint64_t received = 0;       // user messages read
  uint64_t decode_errors = 0;  // malformed ones, left out
  uint64_t overruns = 0;       // times the socket's buffer overflowed (messages lost)
  uint64_t dropped = 0;        // parsed but not taken in time (queue full)
};

class UserMessageSource {
 public:
  // Opens the socket, then lets kernel audit pass user messages
  // (KernelAuditSwitch). A refused socket leaves the source down and changes
  // nothing in kernel audit.
  static std::unique_ptr<UserMessageSource> start();
  ~UserMessageSource() { stop(); }

  // Reads what the socket still holds, stops reading and puts kernel audit
  // back; what was read stays for take(). Once; later calls do nothing.
  void stop();

  // The records read since the last call, in arrival order.
  std::vector<AuditRecord> take();

  bool up() const { return !down_.load(); }
  // Why the source is down, or what it changed in kernel audit.
  std::string state() const;
  UserMessageCounts counts() const;
  // The first decode error's message, for status ("" when none).
  std::string first_decode_error() const;

 private:
  UserMessageSource() = default;
  void read_loop();
  void on_message(uint16_t type, std::string_view text);

  std::optional<AuditLogSocket> socket_;
  std::optional<KernelAuditSwitch> switch_;
  std::thread reader_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> down_{false};
  mutable std::mutex mu_;  // guards what follows
  std::vector<AuditRecord> pending_;
  UserMessageCounts counts_;
  std::string state_;
  std::string first_decode_error_;
};

}  // namespace c2audit
