#include "forward/forwarder.h"

#include <fmt/format.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "common/clock.h"
#include "trail/trail_streams.h"

namespace c2audit {
namespace {

using namespace std::chrono_literals;

constexpr size_t kBatch = 4096;                       // records per round before looking up
constexpr int64_t kSaveEveryNs = 1'000'000'000;       // cursor saves, at most
constexpr int64_t kListStreamsEveryNs = 5'000'000'000;
constexpr auto kIdlePause = 100ms;
constexpr auto kLongestBackoff = 60'000ms;
// A transport without acknowledgements (syslog) confirms by closing: after
// this many messages, and when sending pauses this long after the last close.
constexpr size_t kConfirmEvery = 8192;
constexpr int64_t kConfirmPausedNs = 1'000'000'000;

int64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }

}  // namespace

Result<std::unique_ptr<Forwarder>> Forwarder::start(Setup setup) {
  auto file = setup.trail / cursor_file_name(setup.destination.host, setup.destination.port);
  auto cursor = load_cursor(file);
  if (!cursor) {
    return fail(fmt::format("forward cursor {}; remove it to send the whole trail again",
                            cursor.error().message));
  }
  cursor->destination = setup.destination.url;
  std::optional<StandInCertificate> stand_in;
  bool relp_tls = setup.destination.tls && setup.destination.transport == Transport::relp;
  if (relp_tls && setup.destination.cert_file.empty()) {
    auto made = StandInCertificate::make();
    if (!made) return tl::unexpected(made.error());
    stand_in = std::move(*made);
    setup.destination.cert_file = stand_in->cert_path();
    setup.destination.key_file = stand_in->key_path();
  }
  std::unique_ptr<Forwarder> forwarder(new Forwarder(std::move(setup), std::move(*cursor)));
  forwarder->stand_in_ = std::move(stand_in);
  forwarder->cursor_file_ = file;
  forwarder->thread_ = std::thread([f = forwarder.get()] { f->run(); });
  return forwarder;
}

Forwarder::Forwarder(Setup setup, ForwardCursor cursor)
    : setup_(std::move(setup)), cursor_(std::move(cursor)) {
  status_.destination = setup_.destination.url;
  status_.state = "connecting";
  for (const auto& [stream, at] : cursor_.streams) {
    status_.acked_seq = std::max(status_.acked_seq, at.last_seq);
    if (setup_.delivery) setup_.delivery->delivered(setup_.delivery_slot, stream, at.last_seq);
  }
}

void Forwarder::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
}

Forwarder::~Forwarder() {
  request_stop();
  if (thread_.joinable()) thread_.join();
}

ForwardStatus Forwarder::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

// A new failure also goes to the daemon's log (stderr), once until it changes.
void Forwarder::set_state(std::string state, std::string error) {
  std::lock_guard lock(mutex_);
  if (!error.empty() && error != status_.last_error) {
    std::fprintf(stderr, "c2auditd: forward %s: %s\n", status_.destination.c_str(), error.c_str());
  }
  status_.state = std::move(state);
  if (!error.empty()) status_.last_error = std::move(error);
}

void Forwarder::pause(std::chrono::milliseconds how_long) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, how_long, [&] { return stop_.load(); });
}

namespace {

// The forwarder yields to everything else on the host: c2auditd as a whole
// runs boosted (--priority-boost) so that its consumers keep up, but sending
// may lag behind a storm and catch up after it (the trail holds the backlog),
// while audited work must not wait for it. Linux keeps nice per thread.
void lower_own_priority() {
  constexpr int kForwarderNice = 10;
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kForwarderNice);
  pthread_setname_np(pthread_self(), "c2a-forward");
}

}  // namespace

void Forwarder::run() {
  lower_own_priority();
  while (!stop_.load()) {
    find_streams();
    if (!earliest_head()) {  // nothing new: wait
      if (auto ok = confirm_if_due(true); !ok) fail_session(ok.error().message);
      save(false);
      pause(kIdlePause);
      continue;
    }
    if (!session_ && !open_session()) continue;
    auto sent = pump(kBatch);
    auto ok = sent ? confirm_if_due(false) : Result<void>(tl::unexpected(sent.error()));
    if (!ok) fail_session(ok.error().message);  // e.g. a collector that answers garbage
    save(false);
  }
  if (auto ok = checkpoint(); !ok) end_session(ok.error().message);
  save(true);
  set_state("stopped");
}

bool Forwarder::open_session() {
  auto session = connect_session(setup_.destination, setup_.timeout_s);
  if (!session) {
    set_state("down: " + session.error().message, session.error().message);
    back_off();
    return false;
  }
  session_ = std::move(*session);
  std::lock_guard lock(mutex_);
  ++status_.connects;
  status_.state = "up";
  return true;
}

// A failed session is not tried again at once: 1 s, doubling to 60 s, until
// the collector acknowledges something.
void Forwarder::fail_session(const std::string& why) {
  end_session(why);
  back_off();
}

void Forwarder::back_off() {
  pause(backoff_);
  backoff_ = std::min(backoff_ * 2, kLongestBackoff);
}

// New streams appear when a daemon runs with more consumers than before.
void Forwarder::find_streams() {
  int64_t now = monotonic_ns();
  if (!followers_.empty() && now - streams_listed_ns_ < kListStreamsEveryNs) return;
  streams_listed_ns_ = now;
  auto streams = list_streams(setup_.trail);
  if (!streams) {
    set_state("down: " + streams.error().message, streams.error().message);
    return;
  }
  for (const auto& stream : *streams) {
    if (followers_.contains(stream.index)) continue;
    StreamPosition from;
    if (auto at = cursor_.streams.find(stream.index); at != cursor_.streams.end()) from = at->second;
    followers_.emplace(stream.index, StreamFollower(stream.dir, from));
  }
}

// Reads each stream's next record ahead; the stream whose is earliest by seq.
std::optional<unsigned> Forwarder::earliest_head() {
  for (auto& [index, follower] : followers_) {
    if (heads_.contains(index)) continue;
    auto rec = follower.next();
    if (!rec) {
      set_state("down: " + rec.error().message, rec.error().message);
      continue;  // the position stays before the damage; tried again next round
    }
    if (*rec) heads_.emplace(index, Head{std::move(**rec), follower.position()});
    for (const auto& warning : follower.take_warnings()) {  // a crash's torn tail, passed over
      std::fprintf(stderr, "c2auditd: forward %s: %s\n", setup_.destination.url.c_str(), warning.c_str());
    }
  }
  std::optional<unsigned> earliest;
  for (const auto& [index, head] : heads_) {
    if (!earliest || head.record.seq < heads_.at(*earliest).record.seq) earliest = index;
  }
  return earliest;
}

Result<size_t> Forwarder::pump(size_t most) {
  size_t sent = 0;
  while (sent < most && !stop_.load()) {
    auto stream = earliest_head();
    if (!stream) break;
    Head& head = heads_.at(*stream);
    std::string message = syslog_message(head.record, setup_.host, setup_.destination.format);
    if (auto ok = session_->send(message); !ok) return tl::unexpected(ok.error());
    uint64_t seq = head.record.seq;
    uint64_t& highest = highest_sent_[*stream];
    bool again = seq <= highest;
    highest = std::max(highest, seq);
    in_flight_.push_back(InFlight{*stream, head.after, head.record.time_ns});
    heads_.erase(*stream);  // `head` is gone from here on
    ++sent;
    {
      std::lock_guard lock(mutex_);
      ++status_.sent;
      if (again) ++status_.resent;
      status_.sent_seq = std::max(status_.sent_seq, seq);
    }
    // RELP keeps at most its window unacknowledged: what was sent a window
    // ago has been acknowledged.
    size_t window = session_->window();
    while (window > 0 && in_flight_.size() > window) {
      acknowledge(in_flight_.front());
      in_flight_.pop_front();
    }
    std::lock_guard lock(mutex_);
    status_.unconfirmed = in_flight_.size();
  }
  return sent;
}

void Forwarder::acknowledge(const InFlight& done) {
  backoff_ = 1000ms;
  cursor_.streams[done.stream] = done.after;
  cursor_dirty_ = true;
  if (setup_.delivery) setup_.delivery->delivered(setup_.delivery_slot, done.stream, done.after.last_seq);
  std::lock_guard lock(mutex_);
  if (done.after.last_seq > status_.acked_seq) {
    status_.acked_seq = done.after.last_seq;
    status_.acked_time_ns = done.time_ns;
  }
}

Result<void> Forwarder::confirm_if_due(bool idle) {
  if (!session_ || session_->window() != 0 || in_flight_.empty()) return {};
  bool paused = idle && monotonic_ns() - confirmed_at_ns_ >= kConfirmPausedNs;
  if (in_flight_.size() >= kConfirmEvery || paused) return checkpoint();
  return {};
}

// A close proves the rest was acknowledged. RELP closes only at a stop
// (librelp has no other way to say so, and each new TLS session leaks ~5 KB
// inside librelp 1.11: the peer's certificate, the permitted-peer list), so
// up to a window of records waits for the sends after it to be confirmed (or
// is sent again after a crash). Syslog closes whenever confirm_if_due says.
Result<void> Forwarder::checkpoint() {
  if (!session_) return {};
  auto closed = session_->close();
  session_.reset();
  if (!closed) return closed;
  for (const auto& done : in_flight_) acknowledge(done);
  in_flight_.clear();
  confirmed_at_ns_ = monotonic_ns();
  std::lock_guard lock(mutex_);
  status_.unconfirmed = 0;
  return {};
}

// A failed session: what it did not confirm is read and sent again.
void Forwarder::end_session(const std::string& why) {
  session_.reset();
  in_flight_.clear();
  {
    std::lock_guard lock(mutex_);
    status_.unconfirmed = 0;
  }
  heads_.clear();
  followers_.clear();  // find_streams() starts them again from the cursor
  set_state("down: " + why, why);
}

void Forwarder::save(bool now) {
  if (!cursor_dirty_) return;
  int64_t at = monotonic_ns();
  if (!now && at - saved_at_ns_ < kSaveEveryNs) return;
  if (auto ok = save_cursor(cursor_file_, cursor_); !ok) {
    set_state("down: " + ok.error().message, ok.error().message);
    return;
  }
  saved_at_ns_ = at;
  cursor_dirty_ = false;
}

}  // namespace c2audit
