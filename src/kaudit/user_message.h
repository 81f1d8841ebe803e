// UserMessage: one record of kernel audit as its read-only multicast socket
// delivers it — the netlink message type, and text of the form
//
//   audit(1733081234.123:456): pid=812 uid=0 auid=1000 ses=3 subj=... msg='op=PAM:authentication acct="bob" exe="/usr/bin/su" hostname=? addr=? terminal=/dev/pts/1 res=failed'
//
// The fields before msg= are the kernel's (who sent the message); those
// inside msg='…' are the sender's own account. Both are kept apart, so a
// sender cannot pass for the kernel by writing "auid=0" into its text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace c2audit {

struct UserMessage {
  using Fields = std::vector<std::pair<std::string, std::string>>;

  uint16_t type = 0;
  int64_t time_ns = 0;  // the kernel's time stamp (millisecond resolution)
  uint64_t serial = 0;  // the kernel's event serial
  Fields kernel;        // before msg=, in order
  Fields sender;        // inside msg='…', in order; hex-encoded values decoded

  // The value of `key`, or empty when absent or unknown ("?", "(null)").
  std::string_view kernel_field(std::string_view key) const;
  std::string_view sender_field(std::string_view key) const;
};

// Parses one message. Fails, naming what is wrong, on a missing or malformed
// "audit(…): " stamp, an unterminated quote, or a msg=' without its closing
// quote; a word that is not key=value is left out.
Result<UserMessage> parse_user_message(uint16_t type, std::string_view text);

// Whether messages of this type are user messages (what PAM, sudo, sshd and
// the shadow tools send; USER, 1100-1199, 2100-2999) or the kernel's LOGIN
// record: what c2auditd reads.
bool is_user_message_type(uint16_t type);

}  // namespace c2audit
