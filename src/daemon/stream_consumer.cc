#include "daemon/stream_consumer.h"

#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include "c2audit/wire.h"
#include "pipeline/path_resolution.h"
#include "policy/objective_set.h"

namespace c2audit {
namespace {

constexpr int kPollTimeoutMs = 100;
// While the throttle holds the producers, no sensor wakeup may come: look
// again soon.
constexpr int kHoldingPollTimeoutMs = 1;

// A field of the sensor's header, read from the raw record (0 when short).
template <typename T>
T header_field(std::span<const uint8_t> raw, size_t at) {
  T value = 0;
  if (raw.size() >= at + sizeof(value)) std::memcpy(&value, raw.data() + at, sizeof(value));
  return value;
}

uint16_t status_of(std::span<const uint8_t> raw) {
  return header_field<uint16_t>(raw, offsetof(c2a_event, status));
}

// The watched file the record's object is, when the call reached it by
// another name (a hard link): objectives judge the record by that name too.
void name_watched_object(const WatchedNames& names, AuditRecord& rec) {
  auto watched = names.path_of({rec.dev, rec.inode});
  if (watched && *watched != rec.path && *watched != rec.path2) rec.watched_path = *watched;
}

// The object's name within the watched directory tree it lies under, when
// the call reached it from outside the tree (a bind mount of the tree or of
// a directory above it): objectives judge the record by that name too.
void name_watched_tree(const WatchedNames& names, std::span<const uint8_t> raw,
                       AuditRecord& rec) {
  auto field = watched_dir_of(raw);
  if (!field || !rec.watched_path.empty()) return;
  auto dir = names.path_of({field->dev, field->ino});
  if (!dir) return;
  std::string joined = *dir;
  if (field->below != "/") joined += field->below;
  std::string watched = normalize_path(joined);
  if (watched != rec.path && watched != rec.path2) rec.watched_path = std::move(watched);
}

// A counter only its consumer thread writes: a plain add, no locked instruction.
void bump(std::atomic<uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

StreamConsumer::StreamConsumer(Setup setup, TrailKeeper keeper)
    : setup_(std::move(setup)), keeper_(std::move(keeper)), policies_(*setup_.policies) {}

Result<std::unique_ptr<StreamConsumer>> StreamConsumer::start(Setup setup, TrailKeeper keeper) {
  std::unique_ptr<StreamConsumer> consumer(new StreamConsumer(std::move(setup), std::move(keeper)));
  StreamConsumer* raw = consumer.get();
  auto ring = RingConsumer::open(raw->setup_.ring_fd, raw->setup_.ring_bytes,
                                 [raw](std::span<const uint8_t> r) { raw->on_raw_record(r); });
  if (!ring) return tl::unexpected(ring.error());
  raw->ring_.emplace(std::move(*ring));
  raw->thread_ = std::thread([raw] { raw->run(); });
  for (pid_t tid = raw->tid_.load(); tid == 0; tid = raw->tid_.load()) raw->tid_.wait(tid);
  return consumer;
}

StreamConsumer::~StreamConsumer() { (void)stop(); }

void StreamConsumer::set_failure(const Error& error) {
  std::lock_guard lock(failure_mutex_);
  if (!failure_) failure_ = error;
  failed_.store(true);
}

void StreamConsumer::on_raw_record(std::span<const uint8_t> raw) {
  bump(counters_.received);
  if (failed_.load(std::memory_order_relaxed)) return;
  if (!decoder_.decode(raw, scratch_)) {
    bump(counters_.decode_errors);
    return;
  }
  if (setup_.watched_names) {
    uint16_t status = status_of(raw);
    if (status & C2A_ST_OBJ1_WATCHED) name_watched_object(*setup_.watched_names, scratch_);
    if (status & C2A_ST_UNDER_WATCHED_DIR) name_watched_tree(*setup_.watched_names, raw, scratch_);
  }
  const Objective* objective = policies_.for_generation(policy_generation_of(raw)).match(scratch_);
  if (!objective) {
    bump(counters_.not_selected);
    return;
  }
  enricher_.enrich(scratch_);
  scratch_.objective = objective->name;
  scratch_.criticality = objective->criticality;
  uint64_t not_kept_before = keeper_.not_kept();
  if (auto ok = keeper_.append(scratch_); !ok) {
    set_failure(ok.error());
    return;
  }
  if (keeper_.not_kept() == not_kept_before) bump(counters_.recorded);  // else: suspended
}

// Waits (unlocked) for the sensor's wakeup, then takes everything pending
// and writes it out under the stream's lock.
Result<void> StreamConsumer::batch(int wait_ms) {
  if (wait_ms > 0) {
    if (auto ok = ring_->wait(wait_ms); !ok) return ok;
  }
  std::lock_guard lock(stream_mutex_);
  clock_.refresh();  // follow wall-clock steps
  auto n = ring_->drain();
  if (!n) return tl::unexpected(n.error());
  if (auto failed = failure(); failed) return tl::unexpected(*failed);
  auto ok = keeper_.flush();
  counters_.not_kept.store(keeper_.not_kept(), std::memory_order_relaxed);
  counters_.suspended.store(keeper_.suspended(), std::memory_order_relaxed);
  publish_active_segment();
  return ok;
}

void StreamConsumer::publish_active_segment() {
  std::string name = keeper_.active_segment().filename().native();
  published_last_seq_.store(keeper_.last_seq(), std::memory_order_relaxed);
  std::lock_guard lock(published_mutex_);
  if (name != published_segment_) published_segment_ = std::move(name);
}

void StreamConsumer::run() {
  // Named so that top, perf and the benchmark can tell the consumers apart.
  pthread_setname_np(
      pthread_self(),
      fmt::format("{}{}", kConsumerThreadPrefix, setup_.index).substr(0, 15).c_str());
  ObjectiveSet::use_hit_slot(setup_.index);
  tid_.store(gettid());
  tid_.notify_all();
  while (!stopping_.load()) {
    bool holding = setup_.throttle_holding && setup_.throttle_holding();
    if (auto ok = batch(holding ? kHoldingPollTimeoutMs : kPollTimeoutMs); !ok) {
      set_failure(ok.error());
      return;
    }
  }
  // Stopping: what the ring still holds is kept too.
  if (auto ok = batch(0); !ok) set_failure(ok.error());
}

Result<void> StreamConsumer::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
  if (auto failed = failure(); failed) return tl::unexpected(*failed);
  return {};
}

Result<void> StreamConsumer::close() {
  if (auto ok = stop(); !ok) return ok;
  std::lock_guard lock(stream_mutex_);
  return keeper_.close();
}

Result<void> StreamConsumer::append(AuditRecord& rec) {
  std::lock_guard lock(stream_mutex_);
  auto ok = keeper_.append(rec);
  if (ok) ok = keeper_.flush();
  publish_active_segment();
  return ok;
}

std::optional<Error> StreamConsumer::failure() const {
  std::lock_guard lock(failure_mutex_);
  return failure_;
}

RingPositions StreamConsumer::positions() const {
  uint64_t released = ring_->released_position();  // first: it never passes produced
  return {ring_->produced_position(), released};
}

std::string StreamConsumer::active_segment() const {
  std::lock_guard lock(published_mutex_);
  return published_segment_;
}

}  // namespace c2audit
