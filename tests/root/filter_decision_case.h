/* One case of the pre-filter decision table, as the test program in the
 * kernel (tests/bpf/filter_decision.bpf.c) and the root test in user space
 * both read and fill it: the inputs, then every step's result. */
#ifndef C2AUDIT_FILTER_DECISION_CASE_H
#define C2AUDIT_FILTER_DECISION_CASE_H

#include "c2audit/wire.h"

struct c2a_decision_case {
  /* in */
  struct c2a_policy_masks masks;
  __u64 objectives;  /* the call's filter entry */
  __s64 ret;
  __u64 open_flags;
  __u64 by_errno, include, exclude, top, by_prefix;  /* what the lookups found */
  /* out: each step applied to the one before */
  __u64 by_result, by_open_class, by_user, by_top, by_path;
  __u32 open_class, failed, worth;
  __u32 pad;
};

#endif
