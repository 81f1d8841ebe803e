/* One record for the test program tests/bpf/ring_emit.bpf.c to put in its
 * ring buffer, as the RingConsumer root test asks for it. */
#ifndef C2AUDIT_RING_EMIT_CASE_H
#define C2AUDIT_RING_EMIT_CASE_H

#include "c2audit/wire.h"

#define C2A_TEST_RING_BYTES (8u << 20) /* twice the consumer's mapped window */
#define C2A_TEST_RECORD_MAX 8192

struct c2a_ring_emit {
  __u64 seq;       /* written in the record's first 8 bytes */
  __u32 size;      /* the record's length, 8 .. C2A_TEST_RECORD_MAX */
  __u32 discard;   /* reserve 64 bytes and discard them instead */
  __s64 result;    /* out: 0, or the helper's error */
};

#endif
