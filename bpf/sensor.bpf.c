/* c2audit kernel sensor.
 *
 * sys_enter: if the syscall is selected, remember its arguments in the task's
 * storage (and, for exec, its filename and argv, which a successful exec
 * destroys). sys_exit: build one record with the return value, credentials
 * and absolute paths in per-CPU scratch and hand it to the ring buffer; count
 * it per CPU when it cannot be handed over. sched_process_exec: forget the
 * cached executable path. sched_process_exit: drop exec state of a task that
 * died mid-exec. What the argument roles of each syscall are comes
 * from user space (syscall_specs), so this file has no per-syscall code. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "filter.bpf.h"
#include "sockets.bpf.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Counts one event this CPU could not hand over. */
static __always_inline void count_loss(void) {
  __u32 zero = 0;
  struct c2a_loss *loss = bpf_map_lookup_elem(&losses, &zero);
  if (loss) {
    loss->count++;
    loss->last_ns = bpf_ktime_get_boot_ns();
  }
}

static __always_inline __u64 arg_of(const __u64 *args, __u8 index) {
  return index < 6 ? args[index] : 0;
}

/* Reads exec's filename and argv (NUL-separated) from the caller. */
static __always_inline void capture_exec(struct exec_args *exec,
                                         const struct c2a_syscall_spec *spec,
                                         const __u64 *args) {
  const char *name = (const char *)arg_of(args, spec->name1_arg);
  const char *const *argv = (const char *const *)arg_of(args, spec->name1_arg + 1);
  long n = bpf_probe_read_user_str(exec->name, sizeof(exec->name), name);
  exec->status = n < 0 ? C2A_ST_NAME1_FAULT : 0;
  exec->name_len = n > 0 ? n - 1 : 0;

  __u32 pos = 0;
  for (int i = 0; i < C2A_ARGS_MAX; i++) {
    const char *arg = NULL;
    if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) < 0 || !arg) {
      exec->argv_len = pos;
      return;
    }
    if (pos >= C2A_ARGV_MAX) {
      break;
    }
    /* A fixed read size keeps the verifier's bounds simple; argv has room
     * for it past any offset, and the total is capped below. */
    n = bpf_probe_read_user_str(&exec->argv[pos & (C2A_ARGV_MAX - 1)],
                                C2A_ARGV_MAX, arg);
    if (n <= 0) {
      break;
    }
    pos += n; /* keeps the NUL as separator */
  }
  exec->status |= C2A_ST_ARGV_CUT;
  exec->argv_len = pos > C2A_ARGV_MAX ? C2A_ARGV_MAX : pos;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long nr) {
  __u32 slot = active_slot;
  struct c2a_syscall_filter *filter = selected_filter(slot, nr);
  if (!filter) {
    return 0;
  }
  struct task_struct *task = bpf_get_current_task_btf();
  if (task->tgid == self_tgid) {
    return 0; /* the daemon itself */
  }
  struct c2a_syscall_spec *spec = &filter->spec;
  struct task_state *state =
      bpf_task_storage_get(&task_states, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!state) {
    count_loss();
    return 0;
  }
  state->args[0] = regs->di;
  state->args[1] = regs->si;
  state->args[2] = regs->dx;
  state->args[3] = regs->r10;
  state->args[4] = regs->r8;
  state->args[5] = regs->r9;
  state->syscall_nr = nr;
  state->enter_ns = bpf_ktime_get_boot_ns();
  state->in_syscall = 1;
  state->slot = slot;

  if (spec->flags & C2A_SPEC_EXEC) {
    struct scratch *s = this_cpu_scratch();
    if (!s) {
      return 0;
    }
    capture_exec(&s->exec, spec, state->args);
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    bpf_map_update_elem(&exec_args_by_tid, &tid, &s->exec, BPF_ANY);
  }
  return 0;
}

#define C2A_EXE_SHORT 128 /* most executable paths: copied without a helper call */

/* Appends a user string argument; returns its length. */
static __always_inline __u16 emit_user_str(struct out_record *out, __u32 *pos,
                                           __u64 ptr, int *fault) {
  long n = bpf_probe_read_user_str(&out->payload[*pos & C2A_OUT_MASK],
                                   C2A_PATH_MAX, (const char *)ptr);
  if (n <= 0) {
    *fault = 1;
    return 0;
  }
  *pos += n - 1;
  return n - 1;
}

/* Appends a relative name's base directory when the name is relative. */
static __always_inline __u16 emit_dir_if_relative(struct out_record *out, __u32 *pos,
                                                  struct walk_buf *buf,
                                                  struct task_struct *task,
                                                  __u16 name_len, __u32 name_pos,
                                                  __u64 dirfd, int *cut) {
  if (!name_len || out->payload[name_pos & C2A_OUT_MASK] == '/') {
    return 0;
  }
  return emit_base_dir(out, pos, buf, task, dirfd, cut);
}

static __always_inline void emit_exec_strings(struct out_record *out, __u32 *pos,
                                              struct exec_args *exec) {
  __u32 len = exec->name_len & C2A_WALK_MASK;
  bpf_probe_read_kernel(&out->payload[*pos & C2A_OUT_MASK], len, exec->name);
  out->ev.len[C2A_F_NAME1] = len;
  *pos += len;
  out->ev.status |= exec->status;
}

static __always_inline void emit_argv(struct out_record *out, __u32 *pos,
                                      struct exec_args *exec) {
  __u32 len = exec->argv_len & (C2A_ARGV_MAX - 1);
  if (exec->argv_len >= C2A_ARGV_MAX) {
    len = C2A_ARGV_MAX - 1;
  }
  bpf_probe_read_kernel(&out->payload[*pos & C2A_OUT_MASK], len, exec->argv);
  out->ev.len[C2A_F_ARGV] = len;
  *pos += len;
}

/* Appends the raw sockaddr the call named (or, for accept, received). */
static __always_inline void emit_sockaddr(struct out_record *out, __u32 *pos,
                                          const struct c2a_syscall_spec *spec,
                                          const __u64 *args) {
  if (spec->sockaddr_arg >= 5) {
    return;
  }
  __u64 addr = arg_of(args, spec->sockaddr_arg);
  __u64 len_arg = arg_of(args, spec->sockaddr_arg + 1);
  __u32 len = 0;
  if (!addr) {
    return;
  }
  if (spec->flags & C2A_SPEC_PEER_AT_EXIT) {
    if (!len_arg || bpf_probe_read_user(&len, sizeof(len), (void *)len_arg) < 0) {
      return;
    }
  } else {
    len = len_arg;
  }
  if (len > C2A_SOCKADDR_MAX) {
    len = C2A_SOCKADDR_MAX;
  }
  barrier_var(len); /* keep the mask below: the verifier needs it */
  len &= 2 * C2A_SOCKADDR_MAX - 1;
  if (bpf_probe_read_user(&out->payload[*pos & C2A_OUT_MASK], len,
                          (void *)addr) < 0) {
    return;
  }
  out->ev.len[C2A_F_SOCKADDR] = len;
  *pos += len;
}

/* A path argument as the caller gave it (NAME1/NAME2; exec's filename saved
 * at enter when `exec` is set) and, for a relative name, the directory it is
 * resolved against (DIR1/DIR2). */
static __always_inline void emit_name_and_dir(struct out_record *out, __u32 *pos,
                                              struct scratch *s, struct task_struct *task,
                                              const __u64 *args, struct exec_args *exec,
                                              __u8 name_arg, __u8 dirfd_arg,
                                              int name_field, int dir_field,
                                              __u16 fault_status, __u16 cut_status) {
  __u32 name_pos = *pos;
  int fault = 0, cut = 0;
  if (exec) {
    emit_exec_strings(out, pos, exec);
  } else if (name_arg != C2A_ARG_NONE) {
    out->ev.len[name_field] = emit_user_str(out, pos, arg_of(args, name_arg), &fault);
  }
  if (name_arg == C2A_ARG_NONE) {
    return;
  }
  __u64 dirfd = dirfd_arg == C2A_ARG_NONE ? (__u64)C2A_AT_FDCWD : arg_of(args, dirfd_arg);
  out->ev.len[dir_field] = emit_dir_if_relative(out, pos, &s->walk, task,
                                                out->ev.len[name_field], name_pos, dirfd, &cut);
  out->ev.status |= (fault ? fault_status : 0) | (cut ? cut_status : 0);
}

/* Fills every payload field the spec names, in enum c2a_field order. */
static __always_inline __u32 fill_payload(struct scratch *s,
                                          const struct c2a_syscall_spec *spec,
                                          struct task_state *state,
                                          struct task_struct *task, __s64 ret) {
  struct out_record *out = &s->out;
  const __u64 *args = state->args;
  __u32 pos = 0;
  int cut = 0;
  struct exec_args *exec = NULL;

  if (spec->flags & C2A_SPEC_EXEC) {
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    exec = bpf_map_lookup_elem(&exec_args_by_tid, &tid);
  }

  /* OBJ1: the file a returned fd or an fd argument refers to. When whole, it
   * is the record's path (the decoder then ignores NAME1), so the caller's
   * string and its base directory are read only when there is no OBJ1 or
   * its walk stopped short. */
  __s64 fd = -1;
  if (spec->flags & C2A_SPEC_RET_FD) {
    fd = ret;
  } else if (spec->fd_arg != C2A_ARG_NONE) {
    fd = (int)arg_of(args, spec->fd_arg);
  }
  if (fd >= 0) {
    out->ev.len[C2A_F_OBJ1] =
        emit_fd_path(out, &pos, &s->walk, task, fd, C2A_WALK_INLINE, &cut);
    if (cut) {
      out->ev.status |= C2A_ST_OBJ1_CUT;
    }
  }
  if (!out->ev.len[C2A_F_OBJ1] || cut) {
    emit_name_and_dir(out, &pos, s, task, args, exec, spec->name1_arg, spec->dirfd1_arg,
                      C2A_F_NAME1, C2A_F_DIR1, C2A_ST_NAME1_FAULT, C2A_ST_DIR1_CUT);
  }

  emit_name_and_dir(out, &pos, s, task, args, NULL, spec->name2_arg, spec->dirfd2_arg,
                    C2A_F_NAME2, C2A_F_DIR2, C2A_ST_NAME2_FAULT, C2A_ST_DIR2_CUT);

  if (exec) {
    emit_argv(out, &pos, exec);
  }
  if (spec->sockaddr_arg != C2A_ARG_NONE &&
      (!(spec->flags & C2A_SPEC_PEER_AT_EXIT) || ret >= 0)) {
    emit_sockaddr(out, &pos, spec, args);
  }
  if (!out->ev.len[C2A_F_SOCKADDR] && (spec->flags & C2A_SPEC_SOCK_FROM_FD) && ret >= 0) {
    int peer = spec->flags & C2A_SPEC_PEER_AT_EXIT;
    __s64 fd = peer ? ret : (__s64)(int)arg_of(args, 0);
    out->ev.len[C2A_F_SOCKADDR] = emit_socket_addr(out, &pos, task, fd, peer);
  }

  /* EXE, last: a short one is copied as a fixed block of plain map-to-map
   * loads (a loop bounded by len multiplies the verifier's states past its
   * limit), which may write past the record's end; a long one by a helper. */
  __u32 len = state->exe_len & (C2A_EXE_MAX - 1);
  char *exe = &out->payload[pos & C2A_OUT_MASK];
  if (len <= C2A_EXE_SHORT) {
    const __u64 *words = (const __u64 *)state->exe;
    for (int i = 0; i < C2A_EXE_SHORT / 8; i++) {
      ((__u64 *)exe)[i] = words[i]; /* whole words: memcpy to an unaligned end goes bytewise */
    }
  } else {
    bpf_probe_read_kernel(exe, len, state->exe);
  }
  out->ev.len[C2A_F_EXE] = len;
  out->ev.status |= state->exe_status;
  pos += len;
  return pos;
}

static __always_inline __u64 open_flags(const struct c2a_syscall_spec *spec,
                                        const __u64 *args) {
  if (spec->flags_arg == C2A_ARG_NONE) {
    return 0;
  }
  __u64 value = arg_of(args, spec->flags_arg);
  if (spec->flags & C2A_SPEC_OPEN_HOW) {
    struct open_how how = {};
    bpf_probe_read_user(&how, sizeof(how), (void *)value);
    return how.flags;
  }
  return value;
}

/* Forgets exec's saved arguments once its exit is handled. */
static __always_inline void forget_exec(const struct c2a_syscall_spec *spec) {
  if (spec->flags & C2A_SPEC_EXEC) {
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    bpf_map_delete_elem(&exec_args_by_tid, &tid);
  }
}

/* The path filter applies when the record's only path is OBJ1: an object the
 * kernel resolved itself (an opened file, an fd argument). */
static __always_inline __u64 filter_by_path(struct scratch *s, const struct c2a_policy_masks *m,
                                            __u32 slot, __u64 cand) {
  struct c2a_event *ev = &s->out.ev;
  if (!(cand & ~m->any_path)) {
    return cand; /* no candidate filters by path */
  }
  if (!ev->len[C2A_F_OBJ1] || (ev->status & C2A_ST_OBJ1_CUT) || ev->len[C2A_F_NAME2]) {
    return cand;
  }
  return path_candidates(s, m, slot, 0, ev->len[C2A_F_OBJ1], cand); /* OBJ1 comes first */
}

static __always_inline void hand_over(struct scratch *s, __u32 size) {
  if (size > sizeof(s->out)) {
    size = sizeof(s->out);
  }
  s->out.ev.size = size;
  /* Wake the consumer each time this CPU's output crosses a multiple of
   * wakeup_bytes, not for every record: a wakeup raises an irq_work, a
   * self-IPI that costs a VM exit (~2 us) on virtual machines. Counting per
   * CPU spares a bpf_ringbuf_query call; user space sizes wakeup_bytes so
   * that all CPUs' share stays well below the ring. It is a power of two, so
   * a crossing changes a bit at or above it (no 64-bit division). */
  __u64 before = s->handed_over;
  s->handed_over = before + size;
  __u64 flag = (before ^ (before + size)) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
  if (bpf_ringbuf_output(&events, &s->out, size, flag) < 0) {
    count_loss();
  }
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret) {
  __u64 nr = regs->orig_ax; /* the number sys_enter saw */
  if (nr >= C2A_SYSCALL_SLOTS || !exit_watch[nr]) {
    return 0;
  }
  struct task_struct *task = bpf_get_current_task_btf();
  struct task_state *state = bpf_task_storage_get(&task_states, task, 0, 0);
  if (!state || !state->in_syscall) {
    return 0;
  }
  state->in_syscall = 0;
  __u32 slot = state->slot;
  struct c2a_syscall_filter *filter = selected_filter(slot, state->syscall_nr);
  struct c2a_policy_masks *masks = bpf_map_lookup_elem(&policy_masks, &slot);
  struct scratch *s = this_cpu_scratch();
  if (!filter || !masks || !s) {
    return 0;
  }
  struct c2a_syscall_spec *spec = &filter->spec;

  struct c2a_event *ev = &s->out.ev;
  __builtin_memset(ev->len, 0, sizeof(ev->len));
  ev->kind = C2A_KIND_SYSCALL;
  ev->status = 0;
  ev->syscall_nr = state->syscall_nr;
  ev->enter_ns = state->enter_ns;
  ev->ret = ret;
  ev->policy_generation = masks->generation;
  ev->open_flags = open_flags(spec, state->args);
  fill_identity(ev, task);
  __u64 cand = candidates(filter, masks, slot, ret, ev->open_flags, ev);
  if (!worth_recording(masks, cand)) {
    forget_exec(spec);
    count_filtered();
    return 0;
  }

  for (int i = 0; i < 6; i++) {
    ev->args[i] = state->args[i];
  }
  cache_exe(state, task, &s->walk);
  __u32 size = sizeof(*ev) + fill_payload(s, spec, state, task, ret);
  forget_exec(spec);
  if (!worth_recording(masks, filter_by_path(s, masks, slot, cand))) {
    count_filtered();
    return 0;
  }
  hand_over(s, size);
  return 0;
}

/* A new program image: the cached executable path is stale. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid,
             struct linux_binprm *bprm) {
  struct task_state *state = bpf_task_storage_get(&task_states, task, 0, 0);
  if (state) {
    state->exe_len = 0;
  }
  return 0;
}

/* A task that dies inside exec never reaches sys_exit: drop what exec saved. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_task_exit, struct task_struct *task) {
  __u32 tid = BPF_CORE_READ(task, pid);
  bpf_map_delete_elem(&exec_args_by_tid, &tid);
  return 0;
}
