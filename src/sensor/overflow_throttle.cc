#include "sensor/overflow_throttle.h"

#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "common/clock.h"
#include "common/thread_stat.h"

namespace c2audit {
namespace {

// Low real-time priorities: above every normal task, below the kernel's own
// real-time threads (migration, watchdogs at 99). The watcher outranks the
// consumer, which outranks the holders.
constexpr int kHolderPriority = 1;
constexpr int kConsumerPriority = 2;
constexpr int kWatcherPriority = 3;
// How often the watcher looks at the fill: every 2 ms once it is past an
// eighth of the ring, else every 20 ms (an idle host is not woken 500 times
// a second). At the fastest rate measured (1.5M records/s, ~300 MB/s), a
// 64 MiB ring takes over 80 ms to go from an eighth to half, and over 100 ms
// from half to full.
constexpr auto kWatchPeriod = std::chrono::milliseconds(2);
constexpr auto kQuietWatchPeriod = std::chrono::milliseconds(20);
// Spins between two reads of the clock while holding.
constexpr int kSpinsPerClockRead = 256;
// No space given back for this long while the consumer is asleep: it is
// stalled, and the holders step aside in sleeps of kStepAside.
constexpr int64_t kStalledNs = 3'000'000;
constexpr timespec kStepAside{.tv_sec = 0, .tv_nsec = 200'000};
constexpr int64_t kLookAgainNs = 1'000'000;  // between two looks at a stalled consumer

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

int64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }

// SCHED_RESET_ON_FORK: a child the consumer forks during an episode (the
// space_left command) starts at normal priority.
int set_real_time(pthread_t thread, int priority) {
  sched_param param{};
  param.sched_priority = priority;
  return pthread_setschedparam(thread, SCHED_FIFO | SCHED_RESET_ON_FORK, &param);
}

int pin(pthread_t thread, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(thread, sizeof set, &set);
}

}  // namespace

OverflowThrottle::OverflowThrottle(const ThrottleOptions& options, std::vector<ThrottledRing> rings)
    : options_(options) {
  for (auto& ring : rings) {
    Consumer c{.ring = std::move(ring)};
    sched_param param{};
    pthread_getschedparam(c.ring.consumer, &c.policy, &param);
    c.priority = param.sched_priority;
    pthread_getaffinity_np(c.ring.consumer, sizeof c.affinity, &c.affinity);
    consumers_.push_back(std::move(c));
  }
}

Result<std::unique_ptr<OverflowThrottle>> OverflowThrottle::start(
    const ThrottleOptions& options, std::vector<ThrottledRing> rings) {
  std::unique_ptr<OverflowThrottle> throttle(new OverflowThrottle(options, std::move(rings)));
  // The consumers must be allowed to outrank the holders, or a holder on a
  // consumer's CPU would stop the very thread that drains the ring.
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  for (auto& c : throttle->consumers_) {
    int err = set_real_time(c.ring.consumer, kConsumerPriority);
    throttle->restore(c);
    if (err) {
      return fail(
          fmt::format("--overflow throttle: real-time scheduling (SCHED_FIFO) is not "
                      "permitted: {}; run with CAP_SYS_NICE, or use --overflow drop",
                      std::strerror(err)));
    }
    CPU_OR(&allowed, &allowed, &c.affinity);
  }
  OverflowThrottle* raw = throttle.get();
  int holders = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    throttle->threads_.emplace_back([raw, cpu] { raw->hold_loop(cpu); });
    ++holders;
  }
  for (int ready = raw->holders_ready_.load(); ready < holders;
       ready = raw->holders_ready_.load()) {
    raw->holders_ready_.wait(ready);
  }
  if (int err = raw->holder_errors_.load()) {
    return fail(
        fmt::format("--overflow throttle: a holder thread cannot be pinned at real-time "
                    "priority: {}; use --overflow drop",
                    std::strerror(err)));
  }
  throttle->threads_.emplace_back([raw] { raw->watch_loop(); });
  return throttle;
}

OverflowThrottle::~OverflowThrottle() { stop(); }

void OverflowThrottle::stop() {
  if (quit_.exchange(true)) return;
  episode_.fetch_add(2);  // wakes the sleeping holders; parity unchanged
  episode_.notify_all();
  for (auto& t : threads_) t.join();
  if (holding()) end_episode(monotonic_ns());
}

ThrottleStats OverflowThrottle::stats() const {
  return {episodes_.load(), bound_reached_.load(), held_ns_.load()};
}

void OverflowThrottle::watch_loop() {
  pthread_setname_np(pthread_self(), "c2a-watch");
  if (int err = set_real_time(pthread_self(), kWatcherPriority)) holder_errors_.store(err);
  while (!quit_.load()) {
    bool quiet = !holding() && last_fill_ < options_.high_mark_bytes / 4;
    std::this_thread::sleep_for(quiet ? kQuietWatchPeriod : kWatchPeriod);
    watch_once(monotonic_ns());
  }
}

// One look at the rings: starts or ends an episode.
void OverflowThrottle::watch_once(int64_t now) {
  bool drained = true, over = false;
  last_fill_ = 0;
  for (auto& c : consumers_) {
    RingPositions at = c.ring.positions();
    if (at.released != c.released) last_progress_ns_.store(now);  // a consumer moved on
    c.released = at.released;
    c.fill = at.produced - at.released;
    last_fill_ = std::max(last_fill_, c.fill);
    drained = drained && c.fill <= options_.low_mark_bytes;
    over = over || c.fill >= options_.high_mark_bytes;
  }
  if (holding()) {
    bool bound = now >= deadline_ns_.load();
    if (!drained && !bound) return;
    end_episode(now);
    if (!drained) {
      bound_reached_.fetch_add(1);
      rearmed_ = false;
    }
    return;
  }
  if (drained) rearmed_ = true;
  if (rearmed_ && over) begin_episode(now);
}

void OverflowThrottle::hold_loop(int cpu) {
  pthread_setname_np(pthread_self(), fmt::format("c2a-hold-{}", cpu).substr(0, 15).c_str());
  if (int err = pin(pthread_self(), cpu)) holder_errors_.store(err);
  if (int err = set_real_time(pthread_self(), kHolderPriority)) holder_errors_.store(err);
  holders_ready_.fetch_add(1);
  holders_ready_.notify_all();
  if (holder_errors_.load()) return;
  uint32_t seen = episode_.load();
  while (!quit_.load()) {
    episode_.wait(seen);
    seen = episode_.load();
    if ((seen & 1) && !CPU_ISSET(cpu, &kept_cpus_)) hold(seen);
  }
}

// Spins on this CPU until the episode ends or its bound passes, stepping
// aside while the consumer is stalled asleep.
void OverflowThrottle::hold(uint32_t episode) {
  int64_t next_look_ns = 0;  // /proc is read at most once per kLookAgainNs
  while (!quit_.load(std::memory_order_relaxed) &&
         episode_.load(std::memory_order_relaxed) == episode) {
    for (int i = 0; i < kSpinsPerClockRead; ++i) cpu_relax();
    int64_t now = monotonic_ns();
    if (now >= deadline_ns_.load(std::memory_order_relaxed)) return;
    if (now - last_progress_ns_.load(std::memory_order_relaxed) < kStalledNs) continue;
    if (now < next_look_ns) continue;
    // Asleep: step aside for kStepAside, then hold again until the next look,
    // so that whatever it waits for gets a fifth of this CPU, and the
    // producers no more. Running (a long batch): hold on.
    next_look_ns = now + kLookAgainNs;
    if (consumer_stalled_asleep()) nanosleep(&kStepAside, nullptr);
  }
}

// A consumer with records waiting is asleep: it waits for something else.
bool OverflowThrottle::consumer_stalled_asleep() const {
  for (const auto& c : consumers_) {
    RingPositions at = c.ring.positions();
    if (at.produced == at.released) continue;
    auto stat = read_thread_stat(c.ring.consumer_tid);
    if (!stat || stat->state != 'R') return true;
  }
  return false;
}

// The consumers first: kept where they are, at a priority above the holders
// (all of them: a task held off its CPU moves to another and fills that
// CPU's ring instead); then the holders are woken. No episode when that
// cannot be done: holders on every CPU could then keep out what the
// consumers wait for.
void OverflowThrottle::begin_episode(int64_t now) {
  cpu_set_t kept;
  CPU_ZERO(&kept);
  for (auto& c : consumers_) {
    c.pressed = true;
    auto stat = read_thread_stat(c.ring.consumer_tid);
    if (!stat || stat->cpu < 0 || pin(c.ring.consumer, stat->cpu) != 0 ||
        set_real_time(c.ring.consumer, kConsumerPriority) != 0) {
      end_episode(now);  // puts their scheduling back
      return;
    }
    CPU_SET(stat->cpu, &kept);
  }
  kept_cpus_ = kept;  // published to the holders by the episode_ increment
  episode_start_ns_ = now;
  last_progress_ns_.store(now);
  deadline_ns_.store(now + options_.max_wait_ns);
  episode_.fetch_add(1);
  episode_.notify_all();
  episodes_.fetch_add(1);
}

void OverflowThrottle::end_episode(int64_t now) {
  if (holding()) {
    episode_.fetch_add(1);
    held_ns_.fetch_add(now - episode_start_ns_);
  }
  for (auto& c : consumers_) {
    if (c.pressed) restore(c);
    c.pressed = false;
  }
}

void OverflowThrottle::restore(Consumer& c) {
  sched_param param{};
  param.sched_priority = c.priority;
  pthread_setschedparam(c.ring.consumer, c.policy, &param);
  pthread_setaffinity_np(c.ring.consumer, sizeof c.affinity, &c.affinity);
}

}  // namespace c2audit
