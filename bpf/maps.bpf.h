/* Maps and load-time constants of the sensor. */
#pragma once

#include "c2audit/wire.h"

/* Argument tags of global functions (kernel 6.8+): the verifier checks such
 * a function once, taking each pointer argument as the tag says. */
#define C2A_ARG_TRUSTED __attribute__((btf_decl_tag("arg:trusted"))) /* a live kernel object */
#define C2A_ARG_NONNULL __attribute__((btf_decl_tag("arg:nonnull"))) /* memory of its type's size */

/* Set by user space before load. */
const volatile __u32 self_tgid = 0;          /* the daemon: never audited */
const volatile __u64 wakeup_bytes = 1 << 20; /* per CPU: wake the consumer each time this much more is handed over; a power of two */

/* The kernel pre-filter, double-buffered: user space writes the slot not in
 * force, then flips active_slot. A syscall is judged at its exit by the slot
 * in force then, and its record carries that slot's policy generation. */
volatile __u32 active_slot = 0;

/* Selection, argument roles and objective mask per slot, ABI and syscall
 * number (c2a_filter_key). */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, C2A_POLICY_SLOTS * C2A_ABI_COUNT * C2A_SYSCALL_SLOTS);
  __type(key, __u32);
  __type(value, struct c2a_syscall_filter);
} syscall_filters SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, C2A_POLICY_SLOTS);
  __type(key, __u32);
  __type(value, struct c2a_policy_masks);
} policy_masks SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, C2A_USER_ENTRIES);
  __type(key, struct c2a_user_key);
  __type(value, struct c2a_user_masks);
} user_masks SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, C2A_ERRNO_ENTRIES);
  __type(key, struct c2a_errno_key);
  __type(value, __u64);
} errno_masks SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, C2A_PREFIX_ENTRIES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct c2a_prefix_key);
  __type(value, __u64);
} path_prefixes SEC(".maps");

/* First components of path prefixes (see struct c2a_top_key): objectives
 * whose paths begin with each. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, C2A_TOP_ENTRIES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct c2a_top_key);
  __type(value, __u64);
} top_components SEC(".maps");

/* Watched files by identity (see struct c2a_inode_key): objectives naming
 * each. User space keeps it current as files are replaced. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, C2A_WATCHED_ENTRIES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct c2a_inode_key);
  __type(value, __u64);
} watched_inodes SEC(".maps");

/* Per slot: the watched files' bits (struct c2a_watched_bits), asked
 * before watched_inodes. */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, C2A_POLICY_SLOTS);
  __type(key, __u32);
  __type(value, struct c2a_watched_bits);
} watched_inode_bits SEC(".maps");

/* Per slot: the file systems holding a watched file or directory (struct
 * c2a_watched_devices): a file on another is under no watched directory. */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, C2A_POLICY_SLOTS);
  __type(key, __u32);
  __type(value, struct c2a_watched_devices);
} watched_devices SEC(".maps");

/* Events the pre-filter dropped, per CPU: shows in status. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} filtered SEC(".maps");

/* Records to user space: one ring per consumer, CPU c writing into ring
 * c % ring_count, so that each consumer drains the CPUs of its own group.
 * Ring size and count are set by user space before load; user space makes
 * the rings and puts them in place before attaching. */
const volatile __u32 ring_count = 1;

struct ring {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 64 << 20);
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 1);
  __type(key, __u32);
  __array(values, struct ring);
} rings SEC(".maps");

/* Events that could not be handed over, per CPU. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct c2a_loss);
} losses SEC(".maps");

/* A task's executable path, resolved once per task and exec. */
struct task_state {
  __u32 exe_len;     /* 0 = not cached (new task or after exec) */
  __u32 exe_status;
  char exe[C2A_EXE_MAX];
};

struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct task_state);
} task_states SEC(".maps");

/* exec's number, arguments, filename and argv, read while the caller is
 * intact. A successful exec's wait here (by tid) from sched_prepare_exec to
 * sched_process_exec; a failed exec's are read at exit into per-CPU scratch. */
struct exec_args {
  __u64 args[6];
  __u32 syscall_nr;
  __u16 name_len;
  __u16 argv_len;
  __u16 status;
  __u16 abi;         /* enum c2a_abi of the call */
  char name[C2A_PATH_MAX];
  char argv[2 * C2A_ARGV_MAX]; /* room for a masked offset plus one read */
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, C2A_EXEC_ENTRIES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, __u32);
  __type(value, struct exec_args);
} exec_args_by_tid SEC(".maps");

/* The name an io_uring open was given (only the name fields are used), kept
 * from its submission, when the kernel holds a copy, to its completion, when
 * that copy is gone: by request address. Requests are reused, so an entry
 * is replaced by the next open of its address; one whose open never
 * completes stays until then, so the map is bounded, not cleared. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, C2A_URING_OPEN_ENTRIES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, __u64);
  __type(value, struct exec_args);
} uring_open_names SEC(".maps");

/* Per-CPU scratch. BPF programs on a tracepoint run to completion on one CPU
 * without preemption, so a program may use its CPU's slot freely while it
 * runs. A plain array indexed by CPU (entries = possible CPUs, set by user
 * space): per-CPU maps cap values at 32 KiB, less than a record needs. */
#define C2A_OUT_SPACE (32768 + C2A_PATH_MAX) /* masked offset + one field */
#define C2A_OUT_MASK (32768 - 1)

struct out_record {
  struct c2a_event ev;
  char payload[C2A_OUT_SPACE];
};

struct walk_buf {
  char data[2 * C2A_PATH_MAX];
};

struct scratch {
  __u64 handed_over; /* bytes this CPU has handed to the ring: paces wakeups */
  __u32 slot;        /* the policy slot of the record being built */
  struct out_record out;
  struct walk_buf walk;
  struct exec_args exec;
  struct c2a_prefix_key prefix;
  struct c2a_top_key top;
  /* The record's search for watched directories above its object (see
   * watched_dirs.bpf.h), done at most once per record. */
  __u32 dirs_searched;
  __u64 dirs_found;               /* objectives watching the directories met */
  __u64 dir_top;                  /* the highest of them (a dentry, as a number) */
  struct c2a_watched_dir dir_id;  /* its identity */
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct scratch);
} scratch_space SEC(".maps");

static __always_inline struct scratch *this_cpu_scratch(void) {
  __u32 cpu = bpf_get_smp_processor_id();
  return bpf_map_lookup_elem(&scratch_space, &cpu);
}
