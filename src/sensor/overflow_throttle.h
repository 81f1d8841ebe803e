// OverflowThrottle (`c2auditd --overflow throttle`): when the consumer is
// outrun and the ring buffer fills past a high mark, the producers are held
// back instead of losing their events.
//
// A tracepoint program cannot sleep, so the hold is the scheduler's. A
// watcher thread looks at the ring's fill every few milliseconds, whatever
// the consumer is doing (a consumer busy with a rotation, or starved by the
// audited tasks, would notice too late). Past the high mark it starts an
// episode: the consumer is kept on the CPU it is on at a real-time priority,
// and one holder thread per other CPU, pinned at a real-time priority above
// every normal task, occupies its CPU. Producers then run only where and when
// the consumer sleeps. The episode ends once the ring has drained below a low
// mark, or at the wait bound; after a bound the throttle stays off until the
// ring drains once, and what the ring cannot take is lost and recorded as
// ever. When the consumer stalls asleep (it waits on a producer the hold
// caught inside its commit or holding a lock, or on the disk), the holders
// step aside for 200 µs of every millisecond until it moves on. Like auditd's
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
  uint64_t episodes = 0;         // times the producers were held back
  uint64_t bound_reached = 0;    // episodes ended by the bound, not by draining
  int64_t held_ns = 0;           // time spent holding, all episodes
};

// The ring's two positions (bytes since it was made): what the sensor has
// committed, and what the consumer has given back.
struct RingPositions {
  uint64_t produced = 0;
  uint64_t released = 0;
};

class OverflowThrottle {
 public:
  // Reads the ring's positions; called from the watcher thread.
  using PositionReader = std::function<RingPositions()>;

  // Starts the watcher and one sleeping holder per CPU; the calling thread
  // is the consumer. Fails when real-time scheduling is not permitted (the
  // message says how to go on).
  static Result<std::unique_ptr<OverflowThrottle>> start(const ThrottleOptions& options,
                                                         PositionReader positions);

  OverflowThrottle(const OverflowThrottle&) = delete;
  OverflowThrottle& operator=(const OverflowThrottle&) = delete;
  // Ends any episode, stops and joins its threads.
  ~OverflowThrottle();

  // Whether an episode is holding the CPUs now (the consumer then looks at
  // the ring often: no sensor wakeup may come).
  bool holding() const { return episode_.load() & 1; }
  // A snapshot, from any thread.
  ThrottleStats stats() const;

 private:
  OverflowThrottle(const ThrottleOptions& options, PositionReader positions);
  void watch_loop();
  void watch_once(int64_t now);
  void hold_loop(int cpu);
  void hold(uint32_t episode);
  void begin_episode(int64_t now);
  void end_episode(int64_t now);

  ThrottleOptions options_;
  PositionReader positions_;
  pthread_t consumer_;
  pid_t consumer_tid_ = 0;
  int consumer_policy_ = 0;  // the consumer's scheduling outside episodes
  int consumer_priority_ = 0;
  cpu_set_t consumer_affinity_{};
  // The CPU the consumer keeps during an episode: not held, so that the
  // kernel's own workers, which its writes may wait for, still find a CPU
  // whenever it blocks.
  std::atomic<int> consumer_cpu_{-1};

  // Odd while an episode holds the CPUs; each change wakes the holders.
  std::atomic<uint32_t> episode_{0};
  std::atomic<int64_t> deadline_ns_{0};       // CLOCK_MONOTONIC end of this episode
  std::atomic<int64_t> last_progress_ns_{0};  // when the consumer last gave space back
  std::atomic<bool> quit_{false};
  std::atomic<int> holder_errors_{0};
  std::atomic<int> holders_ready_{0};
  uint64_t last_fill_ = 0;    // watcher only
  uint64_t last_released_ = 0;
  int64_t episode_start_ns_ = 0;
  bool rearmed_ = true;       // false after a bound, until the ring drains
  std::atomic<uint64_t> episodes_{0}, bound_reached_{0};
  std::atomic<int64_t> held_ns_{0};
  std::vector<std::thread> threads_;  // the holders, then the watcher
};

}  // namespace c2audit
