// StreamConsumer: one consumer thread of the daemon. It drains one ring of
// the sensor and writes what the objectives select to one stream of the
// trail (trail_streams.h): decode -> objectives -> enrich -> append, with a
// flush per batch. Each consumer has its own decoder, enricher, record and
// trail writer, so consumers share nothing on the per-record path but the
// seq counter and the policies (looked up once per generation).
//
// The daemon's main thread writes its own records (start, stop, config,
// lost) into a stream through append(), which takes the stream's lock; the
// consumer holds that lock for a batch at a time, never while it waits.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/result.h"
#include "pipeline/enricher.h"
#include "pipeline/event_decoder.h"
#include "policy/policy_store.h"
#include "policy/watched_files.h"
#include "record/audit_record.h"
#include "sensor/overflow_throttle.h"
#include "sensor/ring_consumer.h"
#include "trail/trail_keeper.h"

namespace c2audit {

struct ConsumerCounters {
  std::atomic<uint64_t> received{0};       // records that crossed from the kernel
  std::atomic<uint64_t> recorded{0};       // written to the trail
  std::atomic<uint64_t> not_selected{0};   // no objective selected them
  std::atomic<uint64_t> decode_errors{0};  // malformed sensor records
  std::atomic<uint64_t> not_kept{0};       // selected, but recording was suspended
  std::atomic<bool> suspended{false};
};

// Consumer threads are named this plus their index ("c2a-consume-0").
inline constexpr const char* kConsumerThreadPrefix = "c2a-consume-";

class StreamConsumer {
 public:
  struct Setup {
    unsigned index = 0;  // of its ring and its stream
    int ring_fd = -1;
    uint64_t ring_bytes = 0;
    const PolicyStore* policies = nullptr;
    // Names the watched file a record's object is, when the kernel flags it.
    const WatchedNames* watched_names = nullptr;
    // Whether the overflow throttle holds the producers (look often then).
    std::function<bool()> throttle_holding;
  };

  // Starts the thread; it consumes until stop(). `keeper` is its stream.
  static Result<std::unique_ptr<StreamConsumer>> start(Setup setup, TrailKeeper keeper);

  StreamConsumer(const StreamConsumer&) = delete;
  StreamConsumer& operator=(const StreamConsumer&) = delete;
  ~StreamConsumer();  // stop(); the keeper seals what close() did not

  // Ends the thread after it has taken what the ring holds (detach the
  // sensor first to take everything). Fails when the trail could not be written.
  Result<void> stop();

  // After stop(): seals the stream, a clean end.
  Result<void> close();

  // Appends a record the daemon made itself, between two batches.
  Result<void> append(AuditRecord& rec);

  // Why the thread stopped early: the trail could not be written.
  std::optional<Error> failure() const;

  const ConsumerCounters& counters() const { return counters_; }
  // Its ring's positions; from any thread.
  RingPositions positions() const;
  pthread_t thread() { return thread_.native_handle(); }
  pid_t thread_id() const { return tid_.load(); }
  // The stream's active segment as of the last batch (without waiting for
  // the batch under way).
  std::string active_segment() const;
  // The stream's last seq, as of the last batch.
  uint64_t last_seq() const { return published_last_seq_.load(std::memory_order_relaxed); }

 private:
  StreamConsumer(Setup setup, TrailKeeper keeper);
  void run();
  Result<void> batch(int wait_ms);
  void publish_active_segment();
  void on_raw_record(std::span<const uint8_t> raw);
  void set_failure(const Error& error);

  Setup setup_;
  std::optional<RingConsumer> ring_;
  std::mutex stream_mutex_;  // the keeper, between batches
  TrailKeeper keeper_;
  PolicyCache policies_;
  BootToWallClock clock_;
  EventDecoder decoder_{clock_};
  Enricher enricher_;
  AuditRecord scratch_;
  ConsumerCounters counters_;
  mutable std::mutex failure_mutex_;
  std::optional<Error> failure_;
  std::atomic<bool> failed_{false};
  mutable std::mutex published_mutex_;
  std::string published_segment_;
  std::atomic<uint64_t> published_last_seq_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<pid_t> tid_{0};
  std::thread thread_;
};

}  // namespace c2audit
