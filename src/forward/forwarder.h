// Forwarder: a thread of c2auditd that sends the trail to one collector (one
// forwarder per --forward).
// It reads what the consumers wrote (StreamFollower), never the rings, so a
// slow or absent collector never slows or stops recording: the trail just
// grows past the forwarder's cursor until the collector is back.
//
// What the collector acknowledged (forward_session.h: by RELP's window, or
// for syslog by closing the session every kConfirmEvery messages and when
// sending pauses) is kept in a cursor file (forward_cursor.h),
// saved at most a second apart and at every clean stop. After a restart, a
// crash, an outage or a cut, sending goes on from the cursor: nothing is
// skipped, and what is sent again across an unclean cut bears the same host
// id and seq. Within a stream records go in seq order; the streams of a
// trail with several consumers are interleaved by seq as they are found.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/result.h"
#include "forward/forward_cursor.h"
#include "forward/forward_destination.h"
#include "forward/forward_session.h"
#include "forward/stand_in_certificate.h"
#include "forward/stream_follower.h"
#include "forward/syslog_message.h"
#include "trail/delivery_floor.h"

namespace c2audit {

struct ForwardStatus {
  std::string destination;
  std::string state;          // "connecting", "up", "down: why", "stopped"
  std::string last_error;     // the latest failure, kept after recovery
  uint64_t sent = 0;          // messages sent, resends included
  uint64_t resent = 0;        // sent again after a cut
  uint64_t sent_seq = 0;      // the highest seq sent
  uint64_t unconfirmed = 0;   // sent, acknowledgement not yet known (at most a window)
  uint64_t acked_seq = 0;     // the highest seq the collector acknowledged
  int64_t acked_time_ns = 0;  // that record's time
  uint64_t connects = 0;      // sessions opened
};

class Forwarder {
 public:
  struct Setup {
    ForwardDestination destination;
    std::filesystem::path trail;
    HostIdentity host;
    std::shared_ptr<DeliveryFloor> delivery;  // raised as the collector acknowledges
    size_t delivery_slot = 0;                 // this destination's place in it
    int timeout_s = 10;  // connect, and each wait for the collector
  };

  // Loads the cursor (a damaged one is an error naming file and line:
  // nothing is guessed) and starts the thread.
  static Result<std::unique_ptr<Forwarder>> start(Setup setup);
  ~Forwarder();  // a clean close: what was acknowledged is saved
  // Asks the thread to end without waiting for it: several forwarders then
  // end side by side, each within its transport's timeout.
  void request_stop();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  ForwardStatus status() const;

 private:
  struct InFlight {
    unsigned stream;
    StreamPosition after;
    int64_t time_ns;  // the record's
  };
  struct Head {
    AuditRecord record;
    StreamPosition after;
  };

  Forwarder(Setup setup, ForwardCursor cursor);
  void run();
  void find_streams();
  std::optional<unsigned> earliest_head();
  Result<size_t> pump(size_t most);
  void acknowledge(const InFlight& done);
  bool open_session();
  void fail_session(const std::string& why);
  void back_off();
  Result<void> confirm_if_due(bool idle);
  Result<void> checkpoint();
  void end_session(const std::string& why);
  void save(bool now);
  void set_state(std::string state, std::string error = {});
  void pause(std::chrono::milliseconds how_long);

  Setup setup_;
  std::optional<StandInCertificate> stand_in_;  // without --forward-cert: see its header
  std::filesystem::path cursor_file_;
  ForwardCursor cursor_;  // acknowledged: what is saved
  bool cursor_dirty_ = false;
  int64_t saved_at_ns_ = 0;
  std::map<unsigned, StreamFollower> followers_;
  std::map<unsigned, Head> heads_;            // each stream's next record, read ahead
  std::map<unsigned, uint64_t> highest_sent_; // per stream: to count resends
  std::deque<InFlight> in_flight_;             // sent, not known acknowledged, oldest first
  std::unique_ptr<ForwardSession> session_;
  int64_t confirmed_at_ns_ = 0;  // the last close that confirmed a session's sends
  std::chrono::milliseconds backoff_{1000};
  int64_t streams_listed_ns_ = 0;

  mutable std::mutex mutex_;  // guards status_, wakes pause()
  std::condition_variable wake_;
  ForwardStatus status_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace c2audit
