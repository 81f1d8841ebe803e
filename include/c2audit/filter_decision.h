/* The kernel pre-filter's decision, written once. The sensor
 * (bpf/filter.bpf.h) and user space's model of it (policy/kernel_filter.cc,
 * which `c2audit objectives test` relies on) both compile these steps; a
 * root test runs them in the kernel and in user space on the same table
 * (tests/root/filter_decision_root_test.cc).
 *
 * Each step narrows the candidate objectives (a bit each, see struct
 * c2a_policy_masks) by one fact the kernel knows before it builds a record.
 * The lookups a step needs are the caller's (BPF maps in the kernel, maps in
 * user space) and come in as masks. */
#ifndef C2AUDIT_FILTER_DECISION_H
#define C2AUDIT_FILTER_DECISION_H

#include "c2audit/wire.h"

#ifdef __BPF__
#define C2A_DECISION static __always_inline
#else
#define C2A_DECISION static inline
#endif

#define C2A_O_ACCMODE 3
#define C2A_O_CREAT 0100
#define C2A_O_TRUNC 01000
#define C2A_MAX_ERRNO 4095

enum c2a_open_class { C2A_OPEN_READ, C2A_OPEN_WRITE, C2A_OPEN_CREATE };

/* An open's class by its flags: creating; else writing (any write access, or
 * truncating); else reading. Records name it file.create/write/read. */
C2A_DECISION enum c2a_open_class c2a_open_class_of(__u64 flags) {
  if (flags & C2A_O_CREAT) {
    return C2A_OPEN_CREATE;
  }
  if ((flags & C2A_O_ACCMODE) || (flags & C2A_O_TRUNC)) {
    return C2A_OPEN_WRITE;
  }
  return C2A_OPEN_READ;
}

/* A return value the kernel gives a failed call: -1 .. -4095. */
C2A_DECISION int c2a_failed(__s64 ret) {
  return ret < 0 && ret >= -C2A_MAX_ERRNO;
}

/* By result; for a failure also by errno (`by_errno`: the objectives that
 * list this one). An objective with an errno list wants failures only. */
C2A_DECISION __u64 c2a_by_result(const struct c2a_policy_masks *m, __u64 cand, int failed,
                                 __u64 by_errno) {
  if (failed) {
    return cand & m->on_failure & (m->any_errno | by_errno);
  }
  return cand & m->on_success & m->any_errno;
}

/* By an open's class, for the calls whose class depends on their flags. */
C2A_DECISION __u64 c2a_by_open_class(const struct c2a_policy_masks *m, __u64 cand, __u64 flags) {
  switch (c2a_open_class_of(flags)) {
    case C2A_OPEN_CREATE: return cand & m->open_create;
    case C2A_OPEN_WRITE: return cand & m->open_write;
    default: return cand & m->open_read;
  }
}

/* By user: `include`/`exclude` are the objectives listing the subject's id
 * (auid, or uid without a login; and those listing "unset" then too). */
C2A_DECISION __u64 c2a_by_user(const struct c2a_policy_masks *m, __u64 cand, __u64 include,
                               __u64 exclude) {
  return cand & (m->any_user | include) & ~exclude;
}

/* By path: `by_prefix` are the objectives whose longest literal path prefix
 * the object's resolved path starts with. */
C2A_DECISION __u64 c2a_by_path(const struct c2a_policy_masks *m, __u64 cand, __u64 by_prefix) {
  return cand & (m->any_path | by_prefix);
}

/* By the first component of the object's path, before the path is walked:
 * `by_top` are the objectives with a path prefix that begins with it. It
 * keeps every objective c2a_by_path keeps, and since objectives with paths
 * are never decided exactly, it never turns a record c2a_by_path would pass
 * into one c2a_worth_recording drops. */
C2A_DECISION __u64 c2a_by_top_component(const struct c2a_policy_masks *m, __u64 cand,
                                        __u64 by_top) {
  return cand & (m->any_path | m->any_top | by_top);
}

/* Which bit of struct c2a_watched_bits a file's identity sets: the top bits
 * of a multiplicative hash, so that neighbouring inode numbers spread. */
C2A_DECISION __u32 c2a_watched_bit(__u64 ino, __u32 dev) {
  __u64 h = (ino ^ ((__u64)dev << 32)) * 0x9E3779B97F4A7C15ULL;
  return (__u32)(h >> 52) & (C2A_WATCHED_BITS - 1);
}

/* Which bit of struct c2a_watched_devices a file system's device sets. */
C2A_DECISION __u32 c2a_device_bit(__u32 dev) {
  return (__u32)(((__u64)dev * 0x9E3779B97F4A7C15ULL) >> 56) & (C2A_DEVICE_BITS - 1);
}

/* Whether user space should see an event with these candidates: some
 * recording objective remains, and the first candidate is not an ignore the
 * kernel decides exactly (objectives before it cannot match at all). */
C2A_DECISION int c2a_worth_recording(const struct c2a_policy_masks *m, __u64 cand) {
  __u64 first = cand & -cand;
  return (cand & m->records) && !(first & m->exact_ignore);
}

#endif /* C2AUDIT_FILTER_DECISION_H */
