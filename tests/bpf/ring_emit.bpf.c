/* Not part of the sensor: a test program that puts one record into its ring
 * buffer (or reserves one and discards it) each time BPF_PROG_TEST_RUN runs
 * it, so that the RingConsumer root test reads a real kernel ring: its
 * layout, wrap-around and discard bits are the kernel's, not a fake's. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

#include "ring_emit_case.h"

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, C2A_TEST_RING_BYTES);
} ring SEC(".maps");

struct record_buffer {
  __u8 bytes[C2A_TEST_RECORD_MAX];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct record_buffer);
} scratch SEC(".maps");

SEC("syscall")
int emit(struct c2a_ring_emit *c) {
  __u64 seq = c->seq;
  __u32 size = c->size;
  if (c->discard) {
    __u64 *r = bpf_ringbuf_reserve(&ring, 64, 0);
    if (!r) {
      c->result = -1;
      return 0;
    }
    *r = seq;
    bpf_ringbuf_discard(r, 0);
    c->result = 0;
    return 0;
  }
  __u32 zero = 0;
  struct record_buffer *b = bpf_map_lookup_elem(&scratch, &zero);
  if (!b || size < 8 || size > C2A_TEST_RECORD_MAX) {
    c->result = -2;
    return 0;
  }
  __builtin_memcpy(b->bytes, &seq, sizeof seq);
  c->result = bpf_ringbuf_output(&ring, b->bytes, size, 0);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
