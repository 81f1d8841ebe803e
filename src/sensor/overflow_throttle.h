// OverflowThrottle (`c2auditd --overflow throttle`): when a consumer is
// outrun and its ring buffer fills past a high mark, the producers are held
// back instead of losing their events.
//
// A tracepoint program cannot sleep, so the hold is the scheduler's. A
// watcher thread looks at every ring's fill every few milliseconds, whatever
// the consumers are doing (a consumer busy with a rotation, or starved by the
// audited tasks, would notice too late). Past the high mark it starts an
// episode: every consumer is kept on the CPU it is on at a real-time
// priority, and one holder thread per other CPU, pinned at a real-time
// priority above every normal task, occupies its CPU. Producers then run
// only where and when the consumers sleep, and a consumer sleeps only once
// its ring is empty. The episode ends once every ring has drained below the low
// mark, or at the wait bound; after a bound the throttle stays off until the
// rings drain once, and what a ring cannot take is lost and recorded as
// ever. When a consumer with records waiting stalls asleep (it waits on a producer the
// hold caught inside its commit or holding a lock, or on the disk), the
// holders step aside for 200 µs of every millisecond until it moves on. Like auditd's
// backlog_wait_time, but the whole CPU waits, not only audited tasks: hence
// a bound of a second by default.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "common/result.h"

namespace c2audit {

struct ThrottleOptions {
  uint64_t high_mark_bytes = 0;  // pending bytes that start an episode
  uint64_t low_mark_bytes = 0;   // pending bytes that end it
  int64_t max_wait_ns = 0;       // longest a CPU is held in one episode
};

struct ThrottleStats {
  uint64_t episodes = 0;       // times the producers were held back
  uint64_t bound_reached = 0;  // episodes ended by the bound, not by draining
  int64_t held_ns = 0;         // time spent holding, all episodes
};

// The ring's two positions (bytes since it was made): what the sensor has
// committed, and what the consumer has given back.
struct RingPositions {
  uint64_t produced = 0;
  uint64_t released = 0;
};

// One ring and the thread that consumes it.
struct ThrottledRing {
  pthread_t consumer;
  pid_t consumer_tid = 0;
  // Reads the ring's positions; called from the watcher thread.
  std::function<RingPositions()> positions;
};

class OverflowThrottle {
 public:
  // Starts the watcher and one sleeping holder per CPU the consumers may
  // use. Fails when real-time scheduling is not permitted (the message says
  // how to go on).
  static Result<std::unique_ptr<OverflowThrottle>> start(const ThrottleOptions& options,
                                                         std::vector<ThrottledRing> rings);

  OverflowThrottle(const OverflowThrottle&) = delete;
  OverflowThrottle& operator=(const OverflowThrottle&) = delete;
  ~OverflowThrottle();  // stop()

  // Ends any episode (the consumers get their own scheduling back: they must
  // still be running), stops and joins its threads. holding() is false after.
  void stop();

  // Whether an episode is holding the CPUs now (consumers then look at
  // their rings often: no sensor wakeup may come).
  bool holding() const { return episode_.load() & 1; }
  // A snapshot, from any thread.
  ThrottleStats stats() const;

 private:
  // A consumer, its scheduling outside episodes, and its ring's last look.
  struct Consumer {
    ThrottledRing ring;
    int policy = 0;
    int priority = 0;
    cpu_set_t affinity{};
    bool pressed = false;  // raised for this episode (watcher only)
    uint64_t fill = 0;     // at the last look (watcher only)
    uint64_t released = 0;
  };

  OverflowThrottle(const ThrottleOptions& options, std::vector<ThrottledRing> rings);
  void watch_loop();
  void watch_once(int64_t now);
  void hold_loop(int cpu);
  void hold(uint32_t episode);
  bool consumer_stalled_asleep() const;
  void begin_episode(int64_t now);
  void end_episode(int64_t now);
  void restore(Consumer& consumer);

  ThrottleOptions options_;
  std::vector<Consumer> consumers_;
  // The CPUs the held-for consumers keep during an episode: not held, so
  // that the kernel's own workers, which their writes may wait for, still
  // find a CPU whenever they block. Written before an episode starts.
  cpu_set_t kept_cpus_{};

  // Odd while an episode holds the CPUs; each change wakes the holders.
  std::atomic<uint32_t> episode_{0};
  std::atomic<int64_t> deadline_ns_{0};       // CLOCK_MONOTONIC end of this episode
  std::atomic<int64_t> last_progress_ns_{0};  // when the consumer last gave space back
  std::atomic<bool> quit_{false};
  std::atomic<int> holder_errors_{0};
  std::atomic<int> holders_ready_{0};
  uint64_t last_fill_ = 0;  // watcher only: the fullest ring's
  int64_t episode_start_ns_ = 0;
  bool rearmed_ = true;  // false after a bound, until the ring drains
  std::atomic<uint64_t> episodes_{0}, bound_reached_{0};
  std::atomic<int64_t> held_ns_{0};
  std::vector<std::thread> threads_;  // the holders, then the watcher
};

}  // namespace c2audit
