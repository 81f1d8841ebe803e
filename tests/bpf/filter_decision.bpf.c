/* Not part of the sensor: a test program that runs the pre-filter's steps
 * (c2audit/filter_decision.h) in the kernel, on one case of a table passed
 * in through BPF_PROG_TEST_RUN, so that the root test can compare them with
 * the same steps compiled in user space. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

#include "c2audit/filter_decision.h"
#include "filter_decision_case.h"

SEC("syscall")
int decide(struct c2a_decision_case *c) {
  struct c2a_decision_case d = *c;
  const struct c2a_policy_masks *m = &d.masks;
  c->open_class = c2a_open_class_of(d.open_flags);
  c->failed = c2a_failed(d.ret);
  c->by_result = c2a_by_result(m, d.objectives, c2a_failed(d.ret), d.by_errno);
  c->by_open_class = c2a_by_open_class(m, c->by_result, d.open_flags);
  c->by_user = c2a_by_user(m, c->by_open_class, d.include, d.exclude);
  c->by_top = c2a_by_top_component(m, c->by_user, d.top);
  c->by_path = c2a_by_path(m, c->by_top, d.by_prefix);
  c->worth = c2a_worth_recording(m, c->by_path);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
