// RingConsumer over a real BPF ring buffer, filled by a test program
// (tests/bpf/ring_emit.bpf.c) through BPF_PROG_TEST_RUN: every committed
// record comes out once, whole and in order, across three wrap-arounds of an
// 8 MiB ring (twice the window the consumer maps, so the window slides and
// records straddle the ring's end); discarded ones never do; the positions
// it reports add up.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "harness.h"
#include "ring_emit_case.h"
#include "ring_emit_test.skel.h"
#include "sensor/ring_consumer.h"

namespace c2audit::test {
namespace {

struct SkeletonDeleter {
  void operator()(ring_emit_test* skel) const { ring_emit_test__destroy(skel); }
};

struct Seen {
  uint64_t seq;
  size_t length;
};

uint64_t ring_space(uint32_t size) { return (size + 8 + 7) / 8 * 8; }  // header, then 8-byte aligned

TEST(RingConsumerTest, EveryCommittedRecordOnceWholeAndInOrderAcrossWrapArounds) {
  C2AUDIT_REQUIRE_ROOT();
  std::unique_ptr<ring_emit_test, SkeletonDeleter> skel(ring_emit_test__open_and_load());
  ASSERT_TRUE(skel) << "loading the test program failed (errno " << errno << ")";
  int prog = bpf_program__fd(skel->progs.emit);

  std::vector<Seen> seen;
  auto consumer = RingConsumer::open(bpf_map__fd(skel->maps.ring), C2A_TEST_RING_BYTES,
                                     [&seen](std::span<const uint8_t> record) {
                                       uint64_t seq = 0;
                                       if (record.size() >= sizeof seq) std::memcpy(&seq, record.data(), sizeof seq);
                                       seen.push_back({seq, record.size()});
                                     });
  ASSERT_TRUE(consumer) << consumer.error().message;

  auto emit = [&](uint64_t seq, uint32_t size, bool discard) {
    c2a_ring_emit c{.seq = seq, .size = size, .discard = discard ? 1u : 0u, .result = 0};
    LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = &c, .ctx_size_in = sizeof c);
    EXPECT_EQ(bpf_prog_test_run_opts(prog, &run), 0) << "errno " << errno;
    EXPECT_EQ(c.result, 0) << "seq " << seq << ": the ring refused the record";
  };
  static constexpr uint32_t kSizes[] = {8, 4000, 1001, 8192, 24, 3333, 16};
  std::vector<Seen> expected;
  uint64_t produced = 0;
  for (uint64_t seq = 1; produced < 3ull * C2A_TEST_RING_BYTES; ++seq) {
    uint32_t size = kSizes[seq % std::size(kSizes)];
    if (seq % 5 == 0) {  // a discarded reservation between two records
      emit(~seq, 0, true);
      produced += ring_space(64);
    }
    emit(seq, size, false);
    produced += ring_space(size);
    expected.push_back({seq, size});
    if (seq % 300 == 0) {
      EXPECT_GT(consumer->pending_bytes(), 0u);
      ASSERT_TRUE(consumer->drain());
      EXPECT_EQ(consumer->pending_bytes(), 0u);
    }
  }
  auto last = consumer->poll(10);  // what the last drain left, woken or not
  ASSERT_TRUE(last) << last.error().message;

  ASSERT_EQ(seen.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(seen[i].seq, expected[i].seq) << "record " << i;
    ASSERT_EQ(seen[i].length, expected[i].length) << "record " << i;
  }
  EXPECT_EQ(consumer->pending_bytes(), 0u);
  EXPECT_EQ(consumer->produced_position(), produced);
  EXPECT_LE(consumer->released_position(), produced);
  EXPECT_GE(consumer->released_position() + (256u << 10), produced);  // given back in steps of 256 KiB
  std::printf("ring consumer: %zu records, %lu bytes through an 8 MiB ring\n", seen.size(), produced);
}

}  // namespace
}  // namespace c2audit::test
