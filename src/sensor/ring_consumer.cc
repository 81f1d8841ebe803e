#include "sensor/ring_consumer.h"

#include <fmt/format.h>
#include <linux/bpf.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "common/file_descriptor.h"
#include "common/memory_map.h"

namespace c2audit {

namespace {

// The ring map's mmap layout (kernel/bpf/ringbuf.c): page 0 holds the
// consumer position (the only writable page), page 1 the producer position,
// and from page 2 the data area, mapped twice in a row so that a record that
// wraps around the end is still contiguous.
constexpr off_t kConsumerPage = 0;
constexpr off_t kProducerPage = 1;
constexpr off_t kDataPage = 2;

// Each record starts with an 8-byte header: its length, plus two flag bits.
constexpr uint64_t kHeaderBytes = BPF_RINGBUF_HDR_SZ;
constexpr uint32_t kBusyBit = BPF_RINGBUF_BUSY_BIT;        // reserved, not yet committed
constexpr uint32_t kDiscardBit = BPF_RINGBUF_DISCARD_BIT;  // committed as discarded

// The data window mapped at a time: large enough for any record (the sensor's
// largest is below 80 KiB), small enough to stay out of the daemon's RSS.
constexpr uint64_t kWindowBytes = 4ull << 20;
// How much may be consumed before the space is given back to the producer:
// publishing the position is a store the producing CPU then has to fetch.
constexpr uint64_t kReleaseBytes = 256ull << 10;
// How far ahead of the record being handled its successors are fetched.
constexpr uint64_t kPrefetchBytes = 512;

template <typename T>
T load_acquire(const T* at) {
  return std::atomic_ref<T>(*const_cast<T*>(at)).load(std::memory_order_acquire);
}

template <typename T>
void store_release(T* at, T value) {
  std::atomic_ref<T>(*at).store(value, std::memory_order_release);
}

}  // namespace

struct RingConsumer::State {
  Handler handler;
  int ring_fd = -1;
  uint64_t ring_bytes = 0;
  uint64_t page_bytes = 0;
  FileDescriptor epoll;
  MemoryMap consumer_page;  // read-write: where we publish our position
  MemoryMap producer_page;  // read-only
  MemoryMap window;         // read-only part of the data area
  uint64_t window_start = 0;  // ring position of the window's first byte
  uint64_t consumed = 0;      // our position, ahead of the published one
  uint64_t released = 0;      // the position last published

  uint64_t producer_position() const {
    return load_acquire(reinterpret_cast<const uint64_t*>(producer_page.data()));
  }

  void release() {
    if (consumed == released) return;
    store_release(reinterpret_cast<uint64_t*>(consumer_page.data()), consumed);
    released = consumed;
  }

  // The `length` bytes at ring position `position`, remapping the window to
  // start at that position's page when they are not inside it.
  Result<const uint8_t*> view(uint64_t position, uint64_t length) {
    uint64_t window_bytes = std::min(kWindowBytes, ring_bytes);
    if (!window.mapped() || position < window_start ||
        position + length > window_start + window.size()) {
      uint64_t start = position & ~(page_bytes - 1);
      if (position + length > start + window_bytes) {
        return fail(fmt::format("ring record at {} claims {} bytes: more than the ring holds",
                                position, length));
      }
      // Unmap first: the old and new windows are never resident together.
      window.reset();
      off_t offset = kDataPage * page_bytes + (start & (ring_bytes - 1));
      auto mapped = MemoryMap::map_shared(ring_fd, offset, window_bytes, PROT_READ);
      if (!mapped) return fail("mapping the ring buffer window: " + mapped.error().message);
      window = std::move(*mapped);
      window_start = start;
    }
    return window.data() + (position - window_start);
  }

  // The records after this one were written on another CPU: start
  // bringing their lines in while this one is handled (a 1-thread storm's
  // consumer otherwise waits on each line as it reaches it). A hint only:
  // it never faults, whatever the window maps.
  static void prefetch_next(const uint8_t* next, uint64_t committed_after) {
    uint64_t bytes = std::min<uint64_t>(committed_after, kPrefetchBytes);
    for (uint64_t at = 0; at < bytes; at += 64) __builtin_prefetch(next + at);
  }

  // Hands over every committed record up to the first one still being
  // written, or one ring's worth, so that a producer as fast as we are
  // cannot keep the daemon from its other work; returns how many.
  Result<int> consume() {
    int handled = 0;
    const uint64_t stop_at = consumed + ring_bytes;
    for (uint64_t produced = producer_position(); consumed < produced && consumed < stop_at;
         produced = producer_position()) {
      while (consumed < produced) {
        auto header = view(consumed, kHeaderBytes);
        if (!header) return tl::unexpected(header.error());
        uint32_t word = load_acquire(reinterpret_cast<const uint32_t*>(*header));
        if (word & kBusyBit) {
          release();
          return handled;
        }
        uint32_t length = word & ~(kBusyBit | kDiscardBit);
        uint64_t total = (kHeaderBytes + length + 7) & ~uint64_t{7};
        if (!(word & kDiscardBit)) {
          auto record = view(consumed, total);
          if (!record) return tl::unexpected(record.error());
          prefetch_next(*record + total, produced - consumed - total);
          handler(std::span<const uint8_t>(*record + kHeaderBytes, length));
          ++handled;
        }
        consumed += total;
        if (consumed - released >= kReleaseBytes) release();
      }
    }
    release();
    return handled;
  }
};

RingConsumer::RingConsumer(std::unique_ptr<State> state) : state_(std::move(state)) {}
RingConsumer::RingConsumer(RingConsumer&&) noexcept = default;
RingConsumer& RingConsumer::operator=(RingConsumer&&) noexcept = default;
RingConsumer::~RingConsumer() = default;

Result<RingConsumer> RingConsumer::open(int ring_fd, uint64_t ring_bytes, Handler handler) {
  auto state = std::make_unique<State>();
  state->handler = std::move(handler);
  state->ring_fd = ring_fd;
  state->ring_bytes = ring_bytes;
  state->page_bytes = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  if (ring_bytes == 0 || (ring_bytes & (ring_bytes - 1)) || ring_bytes < state->page_bytes) {
    return fail(fmt::format("ring buffer size {} is not a power of two of pages", ring_bytes));
  }
  auto consumer = MemoryMap::map_shared(ring_fd, kConsumerPage * state->page_bytes,
                                        state->page_bytes, PROT_READ | PROT_WRITE);
  auto producer = MemoryMap::map_shared(ring_fd, kProducerPage * state->page_bytes,
                                        state->page_bytes, PROT_READ);
  if (!consumer || !producer) {
    return fail("mapping the ring buffer positions: " +
                (consumer ? producer.error() : consumer.error()).message);
  }
  state->consumer_page = std::move(*consumer);
  state->producer_page = std::move(*producer);
  state->consumed = state->released =
      load_acquire(reinterpret_cast<const uint64_t*>(state->consumer_page.data()));

  // Edge-triggered: woken by the sensor's wakeups only. Level-triggered, any
  // pending byte makes every wait return at once, and the daemon would chase
  // the producer record by record.
  state->epoll.reset(epoll_create1(EPOLL_CLOEXEC));
  epoll_event interest{};
  interest.events = EPOLLIN | EPOLLET;
  if (!state->epoll.valid() ||
      epoll_ctl(state->epoll.get(), EPOLL_CTL_ADD, ring_fd, &interest) != 0) {
    return fail(fmt::format("watching the ring buffer: {}", std::strerror(errno)));
  }
  return RingConsumer(std::move(state));
}

Result<void> RingConsumer::wait(int timeout_ms) {
  epoll_event ready{};
  if (epoll_wait(state_->epoll.get(), &ready, 1, timeout_ms) < 0 && errno != EINTR) {
    return fail(fmt::format("waiting for the ring buffer: {}", std::strerror(errno)));
  }
  return {};
}

Result<int> RingConsumer::poll(int timeout_ms) {
  if (auto ok = wait(timeout_ms); !ok) return tl::unexpected(ok.error());
  return drain();
}

Result<int> RingConsumer::drain() {
  auto handled = state_->consume();
  if (!handled) return fail("reading the ring buffer: " + handled.error().message);
  return handled;
}

uint64_t RingConsumer::produced_position() const { return state_->producer_position(); }

uint64_t RingConsumer::released_position() const {
  return load_acquire(reinterpret_cast<const uint64_t*>(state_->consumer_page.data()));
}

uint64_t RingConsumer::pending_bytes() const {
  return state_->producer_position() - state_->consumed;
}

}  // namespace c2audit
