// Counters the daemon keeps about itself, shown by `c2audit status` and on
// its live status line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "control/control_replies.h"
#include "forward/forwarder.h"
#include "sensor/overflow_throttle.h"

namespace c2audit {

// The second source: kernel audit's user messages (kaudit/).
struct UserMessageStats {
  bool up = false;
  std::string state;           // "up: …" / "down: why" / "off"
  uint64_t received = 0;       // user messages read
  uint64_t recorded = 0;       // selected by an objective and written
  uint64_t not_selected = 0;
  uint64_t decode_errors = 0;  // malformed, left out
  uint64_t lost = 0;           // socket overruns and queue overflows
  std::string first_decode_error;
};

struct DaemonStats {
  uint64_t received = 0;       // records that crossed from the kernel
  uint64_t recorded = 0;       // written to the trail (syscall records)
  uint64_t not_selected = 0;   // received but no objective selected them
  uint64_t filtered = 0;       // dropped by the kernel pre-filter (never copied out)
  uint64_t not_kept = 0;       // selected, but recording was suspended (disk full)
  bool suspended = false;      // recording is suspended right now
  uint64_t lost = 0;           // reported lost by the kernel
  uint64_t decode_errors = 0;  // malformed sensor records (a bug if non-zero)
  unsigned consumers = 0;      // consumer threads, each with a ring and a trail stream
  uint64_t ring_bytes = 0;     // ring buffer capacity, all rings
  uint64_t ring_fill = 0;      // bytes pending at the last look, all rings
  double events_per_s = 0;     // received, over the last status interval
  std::string overflow;        // --overflow: "throttle" or "drop"
  ThrottleStats throttle;      // producers held back (--overflow throttle)
  UserMessageStats user_messages;
  std::vector<ForwardStatus> forward;  // one per --forward
};

struct DaemonIdentity {
  int pid = 0;
  int64_t started_ns = 0;
  std::string mode;            // "all" or the policy description
  uint32_t policy_generation = 0;
  std::string trail_dir;
  std::string active_segment;
  uint64_t last_seq = 0;
};

StatusReply status_reply(const DaemonIdentity& id, const DaemonStats& stats);

// The policy in force: its objectives, where each was written, and hits.
class ObjectiveSet;
ObjectivesReply objectives_reply(const ObjectiveSet& set, uint32_t generation);

// "; producers held back 3 times, 120 ms in all" (empty when never).
std::string throttle_summary(const DaemonStats& stats);

// "1234 events/s | 5 lost | ring 0.1% full | seq 5678"
std::string status_line(const DaemonStats& stats, uint64_t last_seq);

}  // namespace c2audit
