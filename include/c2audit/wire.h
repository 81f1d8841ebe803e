/* c2audit wire format: the one layout shared by the BPF sensor (clang -target
 * bpf) and user space (g++). A record is a fixed header followed by a payload
 * of NUL-free strings/blobs whose lengths are in the header, in the order of
 * enum c2a_field. Everything is native-endian; both sides run on one host. */
#ifndef C2AUDIT_WIRE_H
#define C2AUDIT_WIRE_H

#ifdef __BPF__
/* vmlinux.h supplies the kernel integer types */
#else
#include <linux/types.h> /* __u8 .. __u64, __s64, as the kernel spells them */
#include <stddef.h>
#endif

/* Limits. Power-of-two sizes let the BPF verifier bound offsets by masking. */
#define C2A_PATH_MAX 4096        /* one resolved path, incl. a cut marker */
#define C2A_NAME_MAX 256         /* one path component as copied */
#define C2A_PATH_DEPTH 48        /* components walked before giving up */
#define C2A_ARGV_MAX 1024        /* bytes of argv kept, NUL-separated */
#define C2A_ARGS_MAX 32          /* argv entries read from a failed exec's caller */
#define C2A_SOCKADDR_MAX 128     /* sizeof(struct sockaddr_storage) */
#define C2A_COMM_LEN 16
#define C2A_TTY_LEN 32
#define C2A_EXE_MAX 512          /* cached executable path */
#define C2A_SYSCALL_SLOTS 512    /* syscall numbers the filter map covers, per ABI */
#define C2A_AT_FDCWD -100
#define C2A_POLICY_SLOTS 2       /* kernel filter: in force + being written */
#define C2A_FILTER_OBJECTIVES 64 /* objective bits; the last one is shared by any beyond */
#define C2A_PREFIX_MAX 128       /* path prefix bytes the kernel compares */
#define C2A_TOP_NAME 24          /* first-component bytes the path gate compares */
#define C2A_TOP_STEPS 8          /* parent steps the path gate takes before leaving it to the walk */
#define C2A_WATCHED_BITS 4096    /* watched_inode_bits: bits per policy slot */
#define C2A_DEVICE_BITS 256      /* watched_devices: bits per policy slot */

/* Map sizes (entries), both policy slots together: what a policy may name
 * and how many calls may be in flight. */
#define C2A_USER_ENTRIES 8192     /* user_masks: users the objectives name */
#define C2A_ERRNO_ENTRIES 1024    /* errno_masks: errnos the objectives name */
#define C2A_PREFIX_ENTRIES 8192   /* path_prefixes: path prefixes */
#define C2A_WATCHED_ENTRIES 16384 /* watched_inodes: files watched by identity */
#define C2A_TOP_ENTRIES 8192      /* top_components: first components of path prefixes (at most one each) */
#define C2A_EXEC_ENTRIES 4096     /* exec_args_by_tid: execs between their two tracepoints */
#define C2A_URING_OPEN_ENTRIES 1024 /* uring_open_names: io_uring opens in flight */

/* Payload fields, in the order they are laid out after the header. */
enum c2a_field {
  C2A_F_OBJ1 = 0,  /* absolute path of the object itself (open fd, fd arg) */
  C2A_F_NAME1,     /* first path argument as the caller passed it */
  C2A_F_DIR1,      /* absolute dir NAME1 is relative to (cwd or dirfd) */
  C2A_F_NAME2,     /* second path argument (rename/link target, symlink) */
  C2A_F_DIR2,      /* absolute dir NAME2 is relative to */
  C2A_F_ARGV,      /* execve argv, NUL-separated */
  C2A_F_SOCKADDR,  /* raw struct sockaddr (connect/bind/accept peer), or
                      the struct_len bytes a time call passes */
  C2A_F_EXE,       /* executable of the calling process */
  C2A_F_WATCHED,   /* with C2A_ST_UNDER_WATCHED_DIR: the watched directory
                      OBJ1 lies under (struct c2a_watched_dir), then OBJ1's
                      path below it ("/ssh/sshd_config"; "/" for itself) */
  C2A_F_COUNT
};

/* Record kinds in the ring buffer. */
enum c2a_kind {
  C2A_KIND_SYSCALL = 1,
};

/* Bits of c2a_event.status */
enum c2a_status {
  C2A_ST_NAME1_FAULT = 1u << 0, /* NAME1 could not be read from the caller */
  C2A_ST_NAME2_FAULT = 1u << 1,
  C2A_ST_DIR1_CUT = 1u << 2,    /* DIR1/OBJ1 walk hit a limit or fault */
  C2A_ST_DIR2_CUT = 1u << 3,
  C2A_ST_OBJ1_CUT = 1u << 4,
  C2A_ST_ARGV_CUT = 1u << 5,    /* more args or bytes than kept */
  C2A_ST_EXE_CUT = 1u << 6,
  C2A_ST_IA32 = 1u << 7,        /* a 32-bit call (int 0x80, or a 32-bit program):
                                   syscall_nr and args are the ia32 ABI's */
  C2A_ST_SOCKETCALL = 1u << 8,  /* an ia32 socketcall(2): syscall_nr and args
                                   are those of the call it multiplexed */
  C2A_ST_OBJ1_WATCHED = 1u << 9,/* OBJ1's inode is a file the policy watches
                                   by identity (c2a_inode_key): the object may
                                   have been reached by another name */
  C2A_ST_IO_URING = 1u << 10,   /* an io_uring operation, not a system call:
                                   syscall_nr is the call it does the same as,
                                   judged by that call's filter entry */
  C2A_ST_FIXED_FILE = 1u << 11, /* an io_uring open into a fixed-file slot: its
                                   result is the slot, no fd, so no path */
  C2A_ST_UNDER_WATCHED_DIR = 1u << 12, /* OBJ1 lies under a directory the policy
                                   watches by identity, reached by a name
                                   outside it (a bind mount): see C2A_F_WATCHED */
};

/* The system call ABIs of an x86-64 kernel the sensor tells apart. The same
 * number means different calls in each (ia32 swapon is x86-64 unlink). */
enum c2a_abi {
  C2A_ABI_X86_64 = 0,
  C2A_ABI_IA32 = 1,
  C2A_ABI_COUNT
};

/* ia32 socketcall(call, u32 *args) multiplexes the socket calls: the sensor
 * judges and records the call it carries, under the number of the direct
 * ia32 call (bind 361, connect 362, listen 363, accept4 364); accept has
 * none, and is filed under C2A_IA32_SOCKETCALL_ACCEPT, a number the ia32
 * table does not use. */
#define C2A_IA32_SOCKETCALL 102
#define C2A_IA32_SOCKETCALL_ACCEPT 511

/* How the sensor reads one syscall's arguments: the filter map holds one spec
 * per syscall number, filled by user space, so the BPF side stays generic.
 * Argument indexes are 0..5; C2A_ARG_NONE marks a role the syscall lacks. */
#define C2A_ARG_NONE 0xff
/* As a dirfd role: the name is data, not a path (an xattr's name), so it has
 * no base directory to walk and does not stop the path filter. */
#define C2A_ARG_LITERAL 0xfe

enum c2a_spec_flags {
  C2A_SPEC_AUDIT = 1u << 0,       /* selected: emit a record at exit */
  C2A_SPEC_EXEC = 1u << 1,        /* exec: name1 and argv read from the caller;
                                     a success is recorded at sched_process_exec
                                     from what sched_prepare_exec read (at its
                                     exit the caller's memory and registers
                                     are gone) */
  C2A_SPEC_RET_FD = 1u << 2,      /* success returns an fd: resolve it to OBJ1 */
  C2A_SPEC_OPEN_HOW = 1u << 3,    /* flags_arg points to struct open_how */
  C2A_SPEC_PEER_AT_EXIT = 1u << 4,/* sockaddr_arg filled by the kernel (accept) */
  C2A_SPEC_SOCK_FROM_FD = 1u << 5,/* no address given: read the socket's own
                                     (arg 0's local one; accept: the peer) */
  C2A_SPEC_OPEN_CLASS = 1u << 6,  /* class decided by open flags (open*) */
  C2A_SPEC_IA32_TOO = 1u << 7,    /* on an x86-64 entry: the ia32 call of the
                                     same number is selected (its entry is in
                                     the ia32 section), so a call of this
                                     number must be asked which ABI it used */
};

struct c2a_syscall_spec {
  __u8 flags;        /* enum c2a_spec_flags; 0 = not audited */
  __u8 name1_arg;    /* user path string */
  __u8 dirfd1_arg;   /* dirfd name1 is relative to; NONE = cwd */
  __u8 name2_arg;
  __u8 dirfd2_arg;
  __u8 fd_arg;       /* an fd whose object is the target (fchmod, ...) */
  __u8 flags_arg;    /* open flags (or struct open_how *) */
  __u8 sockaddr_arg; /* struct sockaddr * ; length in sockaddr_arg + 1 */
  __u8 struct_len;   /* not 0: sockaddr_arg points to a struct of this many
                        bytes instead (the time a clock_settime sets), read
                        at exit into the SOCKADDR field */
  __u8 pad;
};

/* One syscall's entry in the kernel filter of one policy slot: the filter
 * map holds C2A_POLICY_SLOTS x C2A_ABI_COUNT sections of C2A_SYSCALL_SLOTS. */
/* openat's argument roles (name 1 relative to dirfd 0, flags in 2, an fd
 * returned): user space covers openat with them, and the sensor judges an
 * io_uring open by them as constants, which spares the verifier every
 * branch an open cannot take. */
#define C2A_OPENAT_ROLES                                                              \
  {C2A_SPEC_RET_FD, 1, 0, C2A_ARG_NONE, C2A_ARG_NONE, C2A_ARG_NONE, 2, C2A_ARG_NONE, 0, 0}

static inline __u32 c2a_filter_key(__u32 slot, __u32 abi, __u32 nr) {
  return (slot * C2A_ABI_COUNT + abi) * C2A_SYSCALL_SLOTS + nr;
}

#define C2A_IOCTL_REQUESTS 4

struct c2a_syscall_filter {
  struct c2a_syscall_spec spec;
  __u64 objectives;  /* bit i: objective i may select this syscall */
  /* An ioctl (the spec's flags byte is full): selected only when argument 1
   * is one of these requests, and the u32 that argument 2 points to (the
   * flags being set) goes into the event's open_flags. All zero: not an
   * ioctl, every call of the number. ioctl is among the most frequent
   * calls, so the request is checked before anything else is read. */
  __u32 ioctl_requests[C2A_IOCTL_REQUESTS];
};

/* The kernel pre-filter of one policy slot, compiled from the objectives. Bit
 * i of each mask stands for objective i (objectives past the last bit share
 * it). An event goes to user space when some objective can still match after
 * every check the kernel can make, and the first such objective is not an
 * ignore that the kernel decides exactly. */
struct c2a_policy_masks {
  __u64 on_success;   /* objectives accepting a successful call */
  __u64 on_failure;   /* ... a failed one */
  __u64 open_read;    /* objectives accepting each class an open can have */
  __u64 open_write;
  __u64 open_create;
  __u64 any_user;     /* objectives without a user list the kernel checks */
  __u64 any_path;     /* objectives the kernel cannot filter by path */
  __u64 any_errno;    /* objectives without an errno list */
  __u64 records;      /* objectives whose action is record */
  __u64 exact_ignore; /* ignore objectives the kernel decides exactly */
  __u64 user_lists;   /* objectives the kernel checks against a user list */
  __u64 by_inode;     /* objectives naming a file the kernel also knows by its
                         inode (c2a_inode_key), whatever name reached it */
  __u64 any_top;      /* path objectives with a prefix of no whole first
                         component ("/", "/et"): the path gate passes them */
  __u64 by_dir;       /* objectives watching a whole directory tree the kernel
                         also knows by the directory's inode (c2a_inode_key),
                         whatever mount or name reached a file under it */
  __u32 generation;   /* copied into each event: which policy judged it */
  __u32 pad;
};

/* Per slot and user id (auid, or uid when unset): objectives listing it. */
struct c2a_user_key {
  __u32 slot;
  __u32 id;
};
struct c2a_user_masks {
  __u64 include;
  __u64 exclude;
};

/* Per slot and errno: objectives whose failures must have it. */
struct c2a_errno_key {
  __u32 slot;
  __u32 err;
};

/* LPM trie key: the slot byte, then the path; prefixlen counts bits of both. */
struct c2a_prefix_key {
  __u32 prefixlen;
  __u8 slot;
  char path[C2A_PREFIX_MAX];
};

/* Per slot: a path's first component (the name under the root: "etc" of
 * /etc/shadow), as its length and first C2A_TOP_NAME bytes, zero-padded.
 * Its value: the objectives with a path prefix that begins with it. Longer
 * names sharing those bytes and length share the entry: a superset. */
struct c2a_top_key {
  __u32 slot;
  __u32 len;
  char name[C2A_TOP_NAME];
};

/* Per slot: a watched file's identity, as the kernel knows it (s_dev, i_ino),
 * and the objectives naming it: an fd's object is judged by what it is, so a
 * hard link or a bind mount of a watched file does not hide it. */
struct c2a_inode_key {
  __u64 ino;
  __u32 dev;  /* the kernel's encoding: major << 20 | minor */
  __u32 slot;
};

/* Per slot: a bit for each watched file's identity (c2a_watched_bit), so
 * that most objects are known unwatched without the hash lookup. A set bit
 * only means "look": files may share one. */
struct c2a_watched_bits {
  __u64 words[C2A_WATCHED_BITS / 64];
};

/* Per slot: which file systems hold a watched file or directory, by a bit of
 * their device (c2a_device_bit). A file on none of them is under no watched
 * directory, and its parents are not asked. */
struct c2a_watched_devices {
  __u64 words[C2A_DEVICE_BITS / 64];
};

/* The head of the C2A_F_WATCHED field: the watched directory's identity. */
struct c2a_watched_dir {
  __u64 ino;
  __u32 dev;
} __attribute__((packed));

struct c2a_event {
  __u32 size;       /* header + payload bytes */
  __u16 kind;       /* enum c2a_kind */
  __u16 status;     /* enum c2a_status */
  __u64 time_ns;    /* CLOCK_BOOTTIME when the call returned: the event's time */
  __u64 cgroup_id;
  __s64 ret;
  __u64 args[6];    /* raw syscall arguments */
  __u64 open_flags; /* open flags incl. openat2's how.flags */
  __u32 syscall_nr;
  __u32 pid;        /* tgid */
  __u32 tid;
  __u32 ppid;
  __u32 uid, euid, gid, egid;
  __u32 auid, ses;
  __u32 cpu;
  __u32 policy_generation; /* the kernel filter that let the event through */
  __u16 len[C2A_F_COUNT]; /* payload field lengths, in enum order */
  char comm[C2A_COMM_LEN];
  char tty[C2A_TTY_LEN];
  __u64 obj_ino;    /* OBJ1's inode (0: no fd object), on the device below */
  __u32 obj_dev;    /* its superblock's device, major << 20 | minor */
  __u32 obj_pid;    /* when OBJ1 is a pidfd: its process (global pid), else 0 */
  __u32 obj_mode;   /* OBJ1's inode: file type and permission bits (st_mode) */
  __u32 obj_uid;    /* its owner and group (global ids); all three meaningful */
  __u32 obj_gid;    /* only when obj_ino is not 0 */
  __u32 pgid;       /* the caller's process group (global id) */
};

/* Largest payload a record may carry. */
#define C2A_PAYLOAD_MAX \
  (3 * C2A_PATH_MAX + 2 * C2A_PATH_MAX + C2A_ARGV_MAX + C2A_SOCKADDR_MAX + C2A_EXE_MAX + \
   sizeof(struct c2a_watched_dir) + C2A_PATH_MAX)

/* Per-CPU loss counters, read by user space and turned into `lost` records. */
struct c2a_loss {
  __u64 count;       /* events this CPU could not hand over, since load */
  __u64 last_ns;     /* CLOCK_BOOTTIME of the latest loss */
};

#ifndef __BPF__
#ifdef __cplusplus
static_assert(sizeof(struct c2a_syscall_spec) == 10, "spec layout changed");
static_assert(sizeof(struct c2a_event) == 240, "wire header layout changed");
static_assert(offsetof(struct c2a_event, len) == 136, "len[] moved");
static_assert(sizeof(struct c2a_loss) == 16, "loss layout changed");
static_assert(sizeof(struct c2a_inode_key) == 16, "inode key layout changed");
static_assert(sizeof(struct c2a_syscall_filter) == 40, "filter layout changed");
static_assert(sizeof(struct c2a_policy_masks) == 120, "masks layout changed");
static_assert(sizeof(struct c2a_top_key) == 32, "path gate key layout changed");
static_assert(sizeof(struct c2a_watched_dir) == 12, "watched dir layout changed");
#endif
#endif

#endif /* C2AUDIT_WIRE_H */
