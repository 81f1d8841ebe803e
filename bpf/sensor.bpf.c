/* c2audit kernel sensor.
 *
 * sys_exit: if the syscall is selected, build one record with its arguments
 * (still in the caller's registers), return value, credentials and absolute
 * paths in per-CPU scratch and hand it to the ring buffer; count it per CPU
 * when it cannot be handed over. Nothing runs at sys_enter: every syscall of
 * every process would pay for it, and the exit has all a record needs except
 * for a successful exec, whose caller's memory and registers are gone by
 * then: sched_prepare_exec keeps them, and sched_process_exec builds its
 * record (and forgets the cached executable path). sched_process_exit drops
 * what a task that died mid-exec kept. What the argument roles of each
 * syscall are comes from user space (syscall_specs), so this file has no
 * per-syscall code. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "filter.bpf.h"
#include "sockets.bpf.h"
#include "task.bpf.h"
#include "watched_dirs.bpf.h"

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

/* The six arguments as the caller passed them: its registers stay in pt_regs
 * until the return to user space (or until a successful exec replaces them).
 * An ia32 call passes them in ebx, ecx, edx, esi, edi, ebp, of which the
 * kernel uses the low halves (a 64-bit caller of int 0x80 may leave anything
 * in the upper ones). */
static __always_inline void read_args(__u64 *args, const struct pt_regs *regs, __u32 abi) {
  if (abi == C2A_ABI_IA32) {
    args[0] = (__u32)regs->bx;
    args[1] = (__u32)regs->cx;
    args[2] = (__u32)regs->dx;
    args[3] = (__u32)regs->si;
    args[4] = (__u32)regs->di;
    args[5] = (__u32)regs->bp;
    return;
  }
  args[0] = regs->di;
  args[1] = regs->si;
  args[2] = regs->dx;
  args[3] = regs->r10;
  args[4] = regs->r8;
  args[5] = regs->r9;
}

/* Entry i of a user array of pointers (argv): 4-byte pointers for an ia32
 * caller. 0 at the end, or when it cannot be read. */
static __always_inline __u64 user_pointer_at(__u64 array, int i, __u32 abi) {
  if (abi == C2A_ABI_IA32) {
    __u32 p = 0;
    return bpf_probe_read_user(&p, sizeof(p), (const void *)(array + 4 * i)) < 0 ? 0 : p;
  }
  __u64 p = 0;
  return bpf_probe_read_user(&p, sizeof(p), (const void *)(array + 8 * i)) < 0 ? 0 : p;
}

/* Reads exec's filename and argv (NUL-separated) from the caller, whose
 * memory is still there: at a failed exec's exit, or at a successful one's
 * sched_prepare_exec. */
static __always_inline void capture_exec(struct exec_args *exec,
                                         const struct c2a_syscall_spec *spec,
                                         const __u64 *args, __u32 abi) {
  const char *name = (const char *)arg_of(args, spec->name1_arg);
  __u64 argv = arg_of(args, spec->name1_arg + 1);
  long n = bpf_probe_read_user_str(exec->name, sizeof(exec->name), name);
  exec->status = n < 0 ? C2A_ST_NAME1_FAULT : 0;
  exec->name_len = n > 0 ? n - 1 : 0;

  __u32 pos = 0;
  long last = 0; /* what the last argument's read returned */
  for (int i = 0; i < C2A_ARGS_MAX; i++) {
    const char *arg = (const char *)user_pointer_at(argv, i, abi);
    if (!arg) {
      /* emit_argv keeps C2A_ARGV_MAX - 1 bytes: past them the last argument
       * read is cut, and so is one that filled a whole read. */
      if (pos > C2A_ARGV_MAX || last == C2A_ARGV_MAX) {
        exec->status |= C2A_ST_ARGV_CUT;
      }
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
    last = n;
    pos += n; /* keeps the NUL as separator */
  }
  exec->status |= C2A_ST_ARGV_CUT;
  exec->argv_len = pos > C2A_ARGV_MAX ? C2A_ARGV_MAX : pos;
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

/* Appends the raw sockaddr the call named (or, for accept, received), or the
 * fixed-size struct a time call passes (spec->struct_len). */
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
  if (spec->struct_len) {
    len = spec->struct_len;
  } else if (spec->flags & C2A_SPEC_PEER_AT_EXIT) {
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

/* A path argument as the caller gave it (NAME1/NAME2; exec's filename when
 * `exec` is set) and, for a relative name, the directory it is resolved
 * against (DIR1/DIR2). */
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
  if (name_arg == C2A_ARG_NONE || dirfd_arg == C2A_ARG_LITERAL) {
    return;
  }
  __u64 dirfd = dirfd_arg == C2A_ARG_NONE ? (__u64)C2A_AT_FDCWD : arg_of(args, dirfd_arg);
  out->ev.len[dir_field] = emit_dir_if_relative(out, pos, &s->walk, task,
                                                out->ev.len[name_field], name_pos, dirfd, &cut);
  out->ev.status |= (fault ? fault_status : 0) | (cut ? cut_status : 0);
}

/* The object of OBJ1, the payload's first field: the file a returned fd or
 * an fd argument refers to, its identity noted in the record. NULL when the
 * call has none, or its fd has no file (then OBJ1 is marked cut). */
static __always_inline struct file *object_file(struct scratch *s,
                                                const struct c2a_syscall_spec *spec,
                                                struct task_struct *task, __s64 ret) {
  struct c2a_event *ev = &s->out.ev;
  __s64 fd = -1;
  if ((spec->flags & C2A_SPEC_RET_FD) && !(ev->status & C2A_ST_FIXED_FILE)) {
    fd = ret;
  } else if (spec->fd_arg != C2A_ARG_NONE) {
    fd = (int)arg_of(ev->args, spec->fd_arg);
  }
  if (fd < 0) {
    return NULL;
  }
  struct file *file = fd_file(task, fd);
  note_object_identity(ev, file);
  if (!file) {
    ev->status |= C2A_ST_OBJ1_CUT;
  }
  return file;
}

/* Writes OBJ1, the object file's path. Returns the payload length so far. */
static __always_inline __u32 fill_object(struct scratch *s, struct file *file) {
  struct out_record *out = &s->out;
  __u32 pos = 0;
  int cut = 0;
  if (file) {
    out->ev.len[C2A_F_OBJ1] = emit_file_path(out, &pos, &s->walk, file, &cut);
    if (cut) {
      out->ev.status |= C2A_ST_OBJ1_CUT;
    }
  }
  return pos;
}

/* Fills the payload fields after OBJ1 (see fill_object) that the spec
 * names, in enum c2a_field order. When OBJ1 is whole it is the record's path
 * (the decoder then ignores NAME1), so the caller's string and its base
 * directory are read only when there is no OBJ1 or its walk stopped short. */
static __always_inline __u32 fill_payload(struct scratch *s,
                                          const struct c2a_syscall_spec *spec,
                                          struct task_state *state,
                                          struct task_struct *task, __s64 ret,
                                          struct exec_args *exec, __u32 pos) {
  struct out_record *out = &s->out;
  const __u64 *args = out->ev.args;
  if (!out->ev.len[C2A_F_OBJ1] || (out->ev.status & C2A_ST_OBJ1_CUT)) {
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

/* What an ioctl sets: the u32 its argument 2 points to (FS_IOC_SETFLAGS'
 * flags, struct fsxattr's first field), still in the caller's memory. */
static __always_inline __u64 ioctl_value(const __u64 *args) {
  __u32 value = 0;
  bpf_probe_read_user(&value, sizeof(value), (const void *)args[2]);
  return value;
}

/* The objectives watching OBJ1's file by identity: they pass whatever name
 * reached it (a hard link, a bind mount), and the record says so. */
static __always_inline __u64 inode_candidates(struct c2a_event *ev, const struct c2a_policy_masks *m,
                                              __u32 slot, __u64 cand) {
  if (!(cand & m->by_inode) || !ev->obj_ino) {
    return 0;
  }
  __u32 bit = c2a_watched_bit(ev->obj_ino, ev->obj_dev);
  struct c2a_watched_bits *bits = bpf_map_lookup_elem(&watched_inode_bits, &slot);
  if (bits && !(bits->words[(bit / 64) & (C2A_WATCHED_BITS / 64 - 1)] & (1ULL << (bit % 64)))) {
    return 0; /* no watched file has this bit: spare the hash lookup */
  }
  struct c2a_inode_key key = {.ino = ev->obj_ino, .dev = ev->obj_dev, .slot = slot};
  __u64 *watchers = bpf_map_lookup_elem(&watched_inodes, &key);
  if (!watchers) {
    return 0;
  }
  ev->status |= C2A_ST_OBJ1_WATCHED;
  return cand & *watchers;
}

/* The path gate, before the object's path is walked: narrows candidates by
 * the path's first component (c2a_by_top_component), found by following the
 * dentries' parents alone. Most opens a path objective watches for are under
 * none of its top directories, and are dropped here without a name copied.
 * An objective that also knows its files by identity keeps a watched file
 * whatever its path (a hard link elsewhere): those dropped are asked again
 * by inode. */
static __always_inline __u64 filter_by_top_component(struct scratch *s,
                                                     const struct c2a_policy_masks *m,
                                                     __u32 slot, __u64 cand,
                                                     struct file *file) {
  if (!file || !(cand & ~(m->any_path | m->any_top))) {
    return cand;
  }
  struct path path = C2A_AS(struct file, file)->f_path;
  struct dentry *top = NULL;
  if (!path.dentry || !path.mnt || !top_component(&path, &top)) {
    return cand; /* the walk decides (a file with no path: by the caller's name) */
  }
  top_key(&s->top, slot, top);
  __u64 *by_top = bpf_map_lookup_elem(&top_components, &s->top);
  __u64 gated = c2a_by_top_component(m, cand, by_top ? *by_top : 0);
  __u64 dropped = cand & ~gated;
  if (dropped & m->by_inode) {
    gated |= inode_candidates(&s->out.ev, m, slot, dropped);
  }
  return gated | under_watched_dirs(s, m, slot, dropped, file);
}

/* The path filter applies when the record's only path is OBJ1: an object the
 * kernel resolved itself (an opened file, an fd argument). */
static __always_inline __u64 filter_by_path(struct scratch *s, const struct c2a_syscall_spec *spec,
                                            const struct c2a_policy_masks *m, __u32 slot,
                                            __u64 cand, struct file *file) {
  struct c2a_event *ev = &s->out.ev;
  if (!(cand & ~m->any_path)) {
    return cand; /* no candidate filters by path */
  }
  __u64 by_inode = inode_candidates(ev, m, slot, cand);
  if (!ev->len[C2A_F_OBJ1] || (ev->status & C2A_ST_OBJ1_CUT) ||
      (ev->len[C2A_F_NAME2] && spec->dirfd2_arg != C2A_ARG_LITERAL)) {
    return cand; /* a second path may be what an objective names */
  }
  /* OBJ1 comes first */
  __u64 by_path = path_candidates(s, m, slot, 0, ev->len[C2A_F_OBJ1], cand) | by_inode;
  return by_path | under_watched_dirs(s, m, slot, cand & ~by_path, file);
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
  __u32 ring_index = bpf_get_smp_processor_id() % ring_count;
  void *ring = bpf_map_lookup_elem(&rings, &ring_index);
  if (!ring || bpf_ringbuf_output(ring, &s->out, size, flag) < 0) {
    count_loss();
  }
}

/* Whether a call names at most one path, so that its object's path can be
 * judged before the rest of the record is read. Read from the map each time
 * (not kept in a register), so that the verifier walks the code between its
 * two uses once, not once for each answer. */
static __always_inline int one_path(const struct c2a_syscall_spec *spec) {
  return *(volatile const __u8 *)&spec->name2_arg == C2A_ARG_NONE;
}

/* Builds the record of a selected call, whose number, arguments, result and
 * ABI bit are already in s->out.ev (see begin_record), unless the pre-filter
 * drops it, and hands it over.
 * `kept`: a successful exec's name and argv, read before its old image went
 * away; NULL for any other call.
 * A global function: the verifier checks it once, from its argument types,
 * instead of once for each caller and each state a caller reaches it in. */
__noinline int record_call(struct scratch *s C2A_ARG_NONNULL,
                           struct c2a_syscall_filter *filter C2A_ARG_NONNULL,
                           const struct c2a_syscall_spec *spec C2A_ARG_NONNULL,
                           struct task_struct *task C2A_ARG_TRUSTED, struct exec_args *kept) {
  __u32 slot = s->slot;
  struct c2a_policy_masks *masks = bpf_map_lookup_elem(&policy_masks, &slot);
  if (!masks) {
    return 0;
  }
  struct c2a_event *ev = &s->out.ev;
  __s64 ret = ev->ret;
  __u32 abi = ev->status & C2A_ST_IA32 ? C2A_ABI_IA32 : C2A_ABI_X86_64;
  __builtin_memset(ev->len, 0, sizeof(ev->len));
  ev->kind = C2A_KIND_SYSCALL;
  ev->policy_generation = masks->generation;
  ev->obj_ino = 0;
  ev->obj_dev = 0;
  ev->obj_pid = 0;
  ev->open_flags = filter->ioctl_requests[0] ? ioctl_value(ev->args) : open_flags(spec, ev->args);
  fill_user_ids(ev, task);
  __u64 cand = candidates(filter, masks, slot, ret, ev->open_flags, ev);
  if (!c2a_worth_recording(masks, cand)) {
    count_filtered();
    return 0;
  }

  /* An object's path is judged before the task's state and the rest of the
   * record are gathered: most opens a path objective watches for are not
   * its files. With a second path to come, it is judged at the end. */
  struct file *file = object_file(s, spec, task, ret);
  s->dirs_searched = 0;
  if (one_path(spec)) {
    cand = filter_by_top_component(s, masks, slot, cand, file);
    if (!c2a_worth_recording(masks, cand)) {
      count_filtered();
      return 0;
    }
  }
  __u32 pos = fill_object(s, file);
  if (one_path(spec)) {
    if (!c2a_worth_recording(masks, filter_by_path(s, spec, masks, slot, cand, file))) {
      count_filtered();
      return 0;
    }
  } else {
    under_watched_dirs(s, masks, slot, cand, file); /* before the payload: its field is last */
  }

  ev->time_ns = bpf_ktime_get_boot_ns();
  fill_identity(ev, task);
  struct task_state *state =
      bpf_task_storage_get(&task_states, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!state) {
    count_loss();
    return 0;
  }
  cache_exe(state, task, &s->walk);
  struct exec_args *exec = kept;
  if (!kept && (spec->flags & C2A_SPEC_EXEC)) {
    capture_exec(&s->exec, spec, ev->args, abi); /* a failed exec: its caller is intact */
    exec = &s->exec;
  }
  pos = fill_payload(s, spec, state, task, ret, exec, pos);
  if (ev->status & C2A_ST_UNDER_WATCHED_DIR) {
    pos += emit_watched_dir(s, (__u64)file, pos) & C2A_WATCHED_FIELD_MASK;
  }
  __u32 size = sizeof(*ev) + pos;
  if (!one_path(spec) &&
      !c2a_worth_recording(masks, filter_by_path(s, spec, masks, slot, cand, file))) {
    count_filtered();
    return 0;
  }
  hand_over(s, size);
  return 0;
}

/* What record_call needs beyond its five arguments, the most a BPF call
 * passes: the policy slot, the call's result and what its caller knows of
 * it beyond its ABI (socketcall). */
static __always_inline void begin_record(struct scratch *s, __u32 slot, __s64 ret, __u32 abi,
                                         __u16 status) {
  s->slot = slot;
  s->out.ev.ret = ret;
  s->out.ev.status = status | (abi == C2A_ABI_IA32 ? C2A_ST_IA32 : 0);
}

/* A 32-bit system call, made through int 0x80 or by a 32-bit program: the
 * kernel marks the task TS_COMPAT for the length of such a call. Its number
 * is from the ia32 table (ia32 swapon is x86-64 unlink), so it is judged by
 * the filter's ia32 section. */
#define C2A_TS_COMPAT 0x0002

static __always_inline bool in_ia32_call(struct task_struct *task) {
  return task->thread_info.status & C2A_TS_COMPAT;
}

/* A call socketcall(2) carries, by its call number (linux/net.h): the
 * direct ia32 call it stands for, and how many argument words the kernel
 * reads for it (no more: an array that ends at an unmapped page is valid). */
struct socketcall_target {
  __u32 nr; /* 0: not a call the sensor covers */
  __u32 words;
};

static __always_inline struct socketcall_target socketcall_target(__u32 call) {
  switch (call) {
    case 2: return (struct socketcall_target){361, 3};                        /* SYS_BIND */
    case 3: return (struct socketcall_target){362, 3};                        /* SYS_CONNECT */
    case 4: return (struct socketcall_target){363, 2};                        /* SYS_LISTEN */
    case 5: return (struct socketcall_target){C2A_IA32_SOCKETCALL_ACCEPT, 3}; /* SYS_ACCEPT */
    case 18: return (struct socketcall_target){364, 4};                       /* SYS_ACCEPT4 */
    default: return (struct socketcall_target){0, 0};
  }
}

/* Turns an ia32 socketcall(call, args) into the call it carries: its number
 * and its arguments, read from the caller's array of 32-bit words (still
 * there at exit). 0 when it carries no call the sensor covers, or its words
 * cannot be read (then the kernel failed it too, with EFAULT). */
static __always_inline __u32 unfold_socketcall(__u64 *args) {
  struct socketcall_target target = socketcall_target((__u32)args[0]);
  __u64 array = args[1];
  if (!target.nr) {
    return 0;
  }
  for (__u32 i = 0; i < 4; i++) {
    __u32 word = 0;
    if (i < target.words &&
        bpf_probe_read_user(&word, sizeof(word), (const void *)(array + 4 * i)) < 0) {
      return 0;
    }
    args[i] = word;
  }
  args[4] = args[5] = 0;
  return target.nr;
}

/* The filter entry that judges a call of this number on this task, and its
 * ABI; NULL when no objective can select it. The x86-64 entry is asked
 * first, without a helper call: most calls end there. */
static __always_inline struct c2a_syscall_filter *filter_for_call(__u32 slot, long nr,
                                                                  struct task_struct **task,
                                                                  __u32 *abi) {
  struct c2a_syscall_filter *x86_64 = filter_entry(slot, C2A_ABI_X86_64, nr);
  if (!x86_64 || !(x86_64->spec.flags & (C2A_SPEC_AUDIT | C2A_SPEC_IA32_TOO))) {
    return NULL;
  }
  *task = bpf_get_current_task_btf();
  if (in_ia32_call(*task)) {
    *abi = C2A_ABI_IA32;
    return filter_entry(slot, C2A_ABI_IA32, nr); /* socketcall's is resolved later */
  }
  *abi = C2A_ABI_X86_64;
  if (!(x86_64->spec.flags & C2A_SPEC_AUDIT)) {
    return NULL;
  }
  barrier_var(x86_64); /* else clang masks the pointer, which the verifier refuses */
  return x86_64;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret) {
  __u32 slot = active_slot;
  __u64 nr = regs->orig_ax;
  struct task_struct *task = NULL;
  __u32 abi = C2A_ABI_X86_64;
  struct c2a_syscall_filter *filter = filter_for_call(slot, nr, &task, &abi);
  if (!filter || !task) {
    return 0;
  }
  if ((filter->spec.flags & C2A_SPEC_EXEC) && ret == 0) {
    return 0; /* the new program's first return: recorded at sched_process_exec */
  }
  if (!request_selected(filter, regs, abi)) {
    return 0; /* an ioctl request no objective can select: most of them */
  }
  if (task->tgid == self_tgid) {
    return 0; /* the daemon itself */
  }
  struct scratch *s = this_cpu_scratch();
  if (!s) {
    return 0;
  }
  __u64 *args = s->out.ev.args;
  read_args(args, regs, abi);
  __u16 status = 0;
  if (abi == C2A_ABI_IA32 && nr == C2A_IA32_SOCKETCALL) {
    nr = unfold_socketcall(args);
    filter = selected_filter(slot, C2A_ABI_IA32, nr);
    status = C2A_ST_SOCKETCALL;
  } else if (!(filter->spec.flags & C2A_SPEC_AUDIT)) {
    return 0;
  }
  if (!filter) {
    return 0;
  }
  s->out.ev.syscall_nr = nr;
  begin_record(s, slot, ret, abi, status);
  record_call(s, filter, &filter->spec, task, NULL);
  return 0;
}

/* io_uring operations run in the kernel without a system call of their own
 * (io_uring_enter submits a batch of them, a worker may run them later), so
 * sys_exit never sees them. An open is judged and recorded as the openat it
 * does the same as, at its completion, in a thread of the submitting process
 * (the submitter, or an io_uring worker sharing its files and cwd): its
 * result is the fd, already installed, and its flags are kept in the
 * request. Its name is kept from its submission: a failed open, or one into
 * a fixed-file slot (its result is the slot, no fd), is named by it. */
#define C2A_IORING_OP_OPENAT 18
#define C2A_IORING_OP_OPENAT2 28
#define C2A_NR_OPENAT 257

static __always_inline bool is_uring_open(const struct io_kiocb *req) {
  return req->opcode == C2A_IORING_OP_OPENAT || req->opcode == C2A_IORING_OP_OPENAT2;
}

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(on_io_uring_submit, struct io_kiocb *req) {
  if (!is_uring_open(req) || !selected_filter(active_slot, C2A_ABI_X86_64, C2A_NR_OPENAT)) {
    return 0;
  }
  struct scratch *s = this_cpu_scratch();
  if (!s || bpf_get_current_task_btf()->tgid == self_tgid) {
    return 0;
  }
  struct io_open *open = C2A_AS(struct io_open, &req->cmd);
  struct filename *name = C2A_AS(struct filename, open->filename);
  struct exec_args *kept = &s->exec;
  long n = name ? bpf_probe_read_kernel_str(kept->name, sizeof(kept->name), name->name) : -1;
  kept->name_len = n > 0 ? n - 1 : 0;
  kept->status = n < 0 ? C2A_ST_NAME1_FAULT : 0;
  kept->argv_len = 0;
  __u64 key = (__u64)req;
  bpf_map_update_elem(&uring_open_names, &key, kept, BPF_ANY);
  return 0;
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(on_io_uring_complete, struct io_ring_ctx *ring, void *request,
             struct io_uring_cqe *cqe) {
  struct io_kiocb *req = C2A_AS(struct io_kiocb, request);
  if (!req || !is_uring_open(req)) {
    return 0;
  }
  __u32 slot = active_slot;
  struct c2a_syscall_filter *filter = selected_filter(slot, C2A_ABI_X86_64, C2A_NR_OPENAT);
  struct task_struct *task = bpf_get_current_task_btf();
  struct scratch *s = this_cpu_scratch();
  if (!filter || !s || task->tgid == self_tgid) {
    return 0;
  }
  __u64 key = (__u64)request;
  struct exec_args *kept = bpf_map_lookup_elem(&uring_open_names, &key);
  bool named = kept;
  if (!named) { /* submitted before the policy selected it, or the map was full */
    kept = &s->exec;
    kept->name_len = 0;
    kept->argv_len = 0;
    kept->status = C2A_ST_NAME1_FAULT;
  }
  struct io_open *open = (struct io_open *)&req->cmd;
  struct c2a_event *ev = &s->out.ev;
  ev->syscall_nr = C2A_NR_OPENAT;
  for (int i = 0; i < 6; i++) {
    ev->args[i] = 0; /* no caller's registers: no name to read */
  }
  ev->args[0] = (__u64)(__s64)open->dfd;
  ev->args[2] = open->how.flags; /* where openat's spec finds its flags */
  ev->args[3] = open->how.mode;
  __u16 status = C2A_ST_IO_URING | (open->file_slot ? C2A_ST_FIXED_FILE : 0);
  /* openat's roles, judged as an openat call is (the class of its flags). */
  struct c2a_syscall_spec open_spec = C2A_OPENAT_ROLES;
  open_spec.flags |= C2A_SPEC_AUDIT | C2A_SPEC_OPEN_CLASS;
  begin_record(s, slot, cqe->res, C2A_ABI_X86_64, status);
  record_call(s, filter, &open_spec, task, kept);
  if (named) {
    bpf_map_delete_elem(&uring_open_names, &key);
  }
  return 0;
}

/* An exec past its point of no return, its caller still intact: keep the
 * call's number, ABI, arguments, name and argv for sched_process_exec. By
 * the exit, the caller's memory is gone and the registers are the new
 * program's (orig_ax then says execve, whichever exec it was). */
SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(on_prepare_exec, struct task_struct *task, struct linux_binprm *bprm) {
  if (task->tgid == self_tgid) {
    return 0;
  }
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
  __u64 nr = regs->orig_ax;
  __u32 abi = in_ia32_call(task) ? C2A_ABI_IA32 : C2A_ABI_X86_64;
  struct c2a_syscall_filter *filter = selected_filter(active_slot, abi, nr);
  struct scratch *s = this_cpu_scratch();
  if (!filter || !(filter->spec.flags & C2A_SPEC_EXEC) || !s) {
    return 0;
  }
  struct exec_args *exec = &s->exec;
  exec->syscall_nr = nr;
  exec->abi = abi;
  read_args(exec->args, regs, abi);
  capture_exec(exec, &filter->spec, exec->args, abi);
  __u32 tid = task->pid;
  bpf_map_update_elem(&exec_args_by_tid, &tid, exec, BPF_ANY);
  return 0;
}

/* A new program image: the cached executable path is stale, and the exec
 * that made it has succeeded: its record is built here. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid,
             struct linux_binprm *bprm) {
  struct task_state *state = bpf_task_storage_get(&task_states, task, 0, 0);
  if (state) {
    state->exe_len = 0;
  }
  __u32 tid = old_pid; /* the tid it had at sched_prepare_exec */
  struct exec_args *kept = bpf_map_lookup_elem(&exec_args_by_tid, &tid);
  if (!kept) {
    return 0;
  }
  __u32 slot = active_slot;
  __u32 abi = kept->abi;
  struct c2a_syscall_filter *filter = selected_filter(slot, abi, kept->syscall_nr);
  struct scratch *s = this_cpu_scratch();
  if (filter && s) {
    struct c2a_event *ev = &s->out.ev;
    ev->syscall_nr = kept->syscall_nr;
    for (int i = 0; i < 6; i++) {
      ev->args[i] = kept->args[i];
    }
    begin_record(s, slot, 0, abi, 0);
    record_call(s, filter, &filter->spec, task, kept);
  }
  bpf_map_delete_elem(&exec_args_by_tid, &tid);
  return 0;
}

/* A task that dies inside exec, past sched_prepare_exec, never reaches
 * sched_process_exec: drop what it kept. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_task_exit, struct task_struct *task) {
  __u32 tid = BPF_CORE_READ(task, pid);
  bpf_map_delete_elem(&exec_args_by_tid, &tid);
  return 0;
}
