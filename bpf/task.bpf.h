/* Who is calling: credentials, login identity, parent, tty, executable. */
#pragma once

#include "paths.bpf.h"

/* Direct loads through the BTF-typed task pointer: the verifier turns them
 * into inline, fault-safe loads, where each BPF_CORE_READ step is a call to
 * bpf_probe_read_kernel (the largest item in the sensor's profile). */
/* The ids the pre-filter judges users by (auid, or uid without a login). */
static __always_inline void fill_user_ids(struct c2a_event *ev, struct task_struct *task) {
  ev->uid = task->cred->uid.val;
  ev->auid = task->loginuid.val;
}

/* The rest of the subject, once the pre-filter has kept the call. */
static __always_inline void fill_identity(struct c2a_event *ev,
                                          struct task_struct *task) {
  const struct cred *cred = task->cred;
  ev->euid = cred->euid.val;
  ev->gid = cred->gid.val;
  ev->egid = cred->egid.val;
  ev->ses = task->sessionid;
  ev->pid = task->tgid;
  ev->tid = task->pid;
  ev->ppid = task->real_parent->tgid;
  ev->cgroup_id = task->cgroups->dfl_cgrp->kn->id; /* what bpf_get_current_cgroup_id reads, without the call */
  ev->cpu = bpf_get_smp_processor_id();
  __builtin_memcpy(ev->comm, task->comm, sizeof(ev->comm)); /* the kernel keeps it NUL-ended */

  struct signal_struct *signal = task->signal;
  struct pid *group = signal->pids[PIDTYPE_PGID];
  ev->pgid = group ? group->numbers[0].nr : 0;

  struct tty_struct *tty = signal->tty;
  ev->tty[0] = 0;
  if (tty) { /* an interactive session's every record: direct loads, no call */
    __builtin_memcpy(ev->tty, tty->name, sizeof(ev->tty));
    ev->tty[sizeof(ev->tty) - 1] = 0; /* a longer name is cut */
  }
}

/* Resolves the task's executable into its cache, once per task and exec. */
static __always_inline void cache_exe(struct task_state *state,
                                      struct task_struct *task,
                                      struct walk_buf *buf) {
  if (state->exe_len) {
    return;
  }
  struct file *exe = task->mm->exe_file; /* mm is NULL in kernel threads: loads fault to 0 */
  if (!exe) {
    return; /* kernel thread */
  }
  struct path path = exe->f_path;
  int walked = walk_path(buf, &path);
  int cut = walked & C2A_WALK_CUT;
  int start = walked & C2A_WALK_MASK;
  __u32 len = (C2A_WALK_END - start) & C2A_WALK_MASK;
  if (len >= C2A_EXE_MAX) {
    len = C2A_EXE_MAX - 1;
    cut = 1;
  }
  bpf_probe_read_kernel(state->exe, len & (C2A_EXE_MAX - 1),
                        &buf->data[start]);
  state->exe_len = len;
  state->exe_status = cut ? C2A_ST_EXE_CUT : 0;
}
