/* The floor of the approach: do-nothing programs on the raw syscall
 * tracepoints the sensor uses. What they cost the audited system is the
 * price of being attached at all, before any record is built. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_enter, struct pt_regs *regs, long nr) {
  return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_exit, struct pt_regs *regs, long ret) {
  return 0;
}
