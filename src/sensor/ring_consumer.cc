#include "sensor/ring_consumer.h"

#include <bpf/libbpf.h>
#include <fmt/format.h>

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace c2audit {

namespace {

// A read-only view of one page of the ring buffer map (consumer or producer
// position), unmapped on destruction.
class PositionPage {
 public:
  PositionPage() = default;
  PositionPage(int fd, size_t page_index) : size_(sysconf(_SC_PAGESIZE)) {
    void* p = mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, page_index * size_);
    addr_ = p == MAP_FAILED ? nullptr : p;
  }
  PositionPage(const PositionPage&) = delete;
  PositionPage& operator=(const PositionPage&) = delete;
  ~PositionPage() {
    if (addr_) munmap(addr_, size_);
  }
  uint64_t position() const {
    return addr_ ? std::atomic_ref(*static_cast<uint64_t*>(addr_)).load(std::memory_order_acquire)
                 : 0;
  }

 private:
  void* addr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

struct RingConsumer::State {
  Handler handler;
  std::unique_ptr<ring_buffer, void (*)(ring_buffer*)> ring{nullptr, ring_buffer__free};
  std::unique_ptr<PositionPage> consumer, producer;
};

namespace {

int on_record(void* ctx, void* data, size_t size) {
  auto* state = static_cast<RingConsumer::State*>(ctx);
  state->handler(std::span<const uint8_t>(static_cast<const uint8_t*>(data), size));
  return 0;
}

}  // namespace

RingConsumer::RingConsumer(std::unique_ptr<State> state) : state_(std::move(state)) {}
RingConsumer::RingConsumer(RingConsumer&&) noexcept = default;
RingConsumer& RingConsumer::operator=(RingConsumer&&) noexcept = default;
RingConsumer::~RingConsumer() = default;

Result<RingConsumer> RingConsumer::open(int ring_fd, Handler handler) {
  auto state = std::make_unique<State>();
  state->handler = std::move(handler);
  state->ring.reset(ring_buffer__new(ring_fd, on_record, state.get(), nullptr));
  if (!state->ring) {
    return fail(fmt::format("opening ring buffer: {}", std::strerror(errno)));
  }
  state->consumer = std::make_unique<PositionPage>(ring_fd, 0);
  state->producer = std::make_unique<PositionPage>(ring_fd, 1);
  return RingConsumer(std::move(state));
}

Result<int> RingConsumer::poll(int timeout_ms) {
  // The sensor wakes us only past a fill threshold; whatever arrived below
  // it is picked up by the consume after the wait times out.
  int n = ring_buffer__poll(state_->ring.get(), timeout_ms);
  if (n < 0 && n != -EINTR) {
    return fail(fmt::format("reading ring buffer: {}", std::strerror(-n)));
  }
  auto rest = drain();
  if (!rest) return rest;
  return (n < 0 ? 0 : n) + *rest;
}

Result<int> RingConsumer::drain() {
  int n = ring_buffer__consume(state_->ring.get());
  if (n < 0) {
    return fail(fmt::format("draining ring buffer: {}", std::strerror(-n)));
  }
  return n;
}

uint64_t RingConsumer::pending_bytes() const {
  // libbpf 1.1 has no ring__avail_data_size(): read the positions directly.
  return state_->producer->position() - state_->consumer->position();
}

int RingConsumer::epoll_fd() const { return ring_buffer__epoll_fd(state_->ring.get()); }

}  // namespace c2audit
