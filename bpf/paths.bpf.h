/* Absolute paths from kernel objects: walk dentries up to the root, crossing
 * mounts, writing names backwards into a walk buffer. */
#pragma once

#include "maps.bpf.h"

#define C2A_WALK_MASK (C2A_PATH_MAX - 1)
#define C2A_WALK_END (C2A_PATH_MAX - 1) /* index of the terminating NUL */
#define C2A_FD_MASK 0x7fffffff          /* fds are ints: a no-op bound the verifier can see */
#define C2A_WALK_INLINE 6           /* steps of a walk done without a call */

struct walk_state {
  struct walk_buf *buf; /* this CPU's, found once by the caller */
  struct dentry *dentry;
  struct mount *mnt;
  struct dentry *mnt_root;
  struct dentry *stop; /* walk_path_below's end, taken for the root */
  int off;  /* where the path written so far starts */
  int done; /* reached the root */
};

/* Retypes a kernel pointer for direct (inline, fault-safe) loads. The
 * verifier turns the call into a plain move, so a cast costs nothing; a load
 * through the result replaces a bpf_probe_read_kernel helper call. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define C2A_AS(type, ptr) \
  ((type *)bpf_rdonly_cast((ptr), bpf_core_type_id_kernel(type)))

/* Copies a path component with direct 8-byte loads, where a
 * bpf_probe_read_kernel call per component (and its return, costly under the
 * SRSO mitigation) was the largest part of the walk. The last word may spill
 * up to 7 bytes past dst + len, over the suffix written before: those bytes
 * are saved first and put back. */
static __always_inline void copy_name(char *dst, const unsigned char *name, __u32 len) {
  const __u64 *src = bpf_rdonly_cast(name, 0);
  __u64 kept = *(__u64 *)(dst + len);
  for (__u32 i = 0; i < C2A_NAME_MAX / 8 && i * 8 < len; i++) {
    ((__u64 *)dst)[i] = src[i];
  }
  *(__u64 *)(dst + len) = kept;
}

/* Writes one name in front of what the walk wrote; 0 when it does not fit. */
static __always_inline int prepend_name(struct walk_state *w, struct dentry *dentry) {
  __u32 len = dentry->d_name.len & (C2A_NAME_MAX - 1);
  if (len + 1 >= (__u32)w->off) {
    return 0; /* longer than we keep */
  }
  w->off -= len;
  copy_name(&w->buf->data[w->off & C2A_WALK_MASK], dentry->d_name.name, len);
  return 1;
}

/* One step up: a mount crossing or one name written. Returns 1 to stop. */
static __always_inline long walk_one(struct walk_state *w) {
  if (!w->buf || !w->dentry) {
    return 1;
  }
  struct dentry *dentry = C2A_AS(struct dentry, w->dentry);
  struct mount *mnt = C2A_AS(struct mount, w->mnt);
  struct dentry *parent = dentry->d_parent;
  if (dentry == parent && dentry != w->mnt_root) {
    /* A dentry of no directory tree: a memfd, pipe, socket or anon inode
     * (or the top of a disconnected one). Its name says what it is
     * ("memfd:NAME"), written without a leading '/': it is no path. */
    w->done = prepend_name(w, dentry);
    return 1;
  }
  if (dentry == w->mnt_root || dentry == parent) {
    struct mount *mnt_parent = mnt->mnt_parent;
    if (dentry != w->mnt_root || mnt_parent == mnt || !mnt_parent) {
      w->done = 1; /* the root of the namespace (or of a detached tree) */
      return 1;
    }
    w->dentry = mnt->mnt_mountpoint;
    w->mnt = mnt_parent;
    w->mnt_root = mnt_parent->mnt.mnt_root;
    return 0;
  }
  if (!prepend_name(w, dentry)) {
    return 1;
  }
  w->off -= 1;
  w->buf->data[w->off & C2A_WALK_MASK] = '/';
  w->dentry = parent;
  return 0;
}

/* walk_one as a bpf_loop callback: verified once, however many steps a path
 * takes. */
static long walk_step(__u32 index, void *data) {
  return walk_one(data);
}

#define C2A_WALK_CUT 0x10000 /* in walk_path's result: the walk stopped short of the root */

/* Writes the path of (dentry, vfsmnt) into this CPU's walk buffer so that it
 * ends at C2A_WALK_END and returns where it starts, with C2A_WALK_CUT set
 * when the walk hit a limit before reaching the root. `path` is a copy in
 * the caller's memory (its pointers arrive as numbers, read through
 * bpf_rdonly_cast). A global function: verified once, however many places
 * walk a path. */
__noinline int walk_path(struct walk_buf *buf C2A_ARG_NONNULL,
                         const struct path *path C2A_ARG_NONNULL) {
  struct vfsmount *vfsmnt = path->mnt;
  struct walk_state w = {
      .buf = buf,
      .dentry = path->dentry,
      .mnt = container_of(vfsmnt, struct mount, mnt),
      .mnt_root = C2A_AS(struct vfsmount, vfsmnt)->mnt_root,
      .off = C2A_WALK_END,
  };
  buf->data[C2A_WALK_END] = 0;
  long stop = 0;
#pragma unroll
  for (int i = 0; i < C2A_WALK_INLINE; i++) {
    if (!stop) {
      stop = walk_one(&w);
    }
  }
  if (!stop) {
    bpf_loop(C2A_PATH_DEPTH - C2A_WALK_INLINE, walk_step, &w, 0);
  }
  if (w.off == C2A_WALK_END) { /* the root itself */
    w.off -= 1;
    buf->data[w.off & C2A_WALK_MASK] = '/';
  }
  return (w.off & C2A_WALK_MASK) | (w.done ? 0 : C2A_WALK_CUT);
}

/* One step of walk_path_below: its end, or one name written. 1 to stop. */
static long below_step(__u32 index, void *data) {
  struct walk_state *w = data;
  if (!w->buf || !w->dentry) {
    return 1;
  }
  if (w->dentry == w->stop) {
    w->done = 1;
    return 1;
  }
  struct dentry *dentry = C2A_AS(struct dentry, w->dentry);
  struct dentry *parent = dentry->d_parent;
  if (parent == w->dentry || !prepend_name(w, dentry)) {
    return 1; /* the root of its file system, the end not met: cut */
  }
  w->off -= 1;
  w->buf->data[w->off & C2A_WALK_MASK] = '/';
  w->dentry = parent;
  return 0;
}

/* The path of `path`'s dentry below `stop_dentry` (a number), one of its
 * ancestors in its own file system, written as walk_path writes a path, as
 * if that ancestor were the root: parents only, no mount crossed. Rare (a
 * name outside a watched tree), so its steps are all calls: little for the
 * verifier to walk. */
__noinline int walk_path_below(struct walk_buf *buf C2A_ARG_NONNULL,
                               const struct path *path C2A_ARG_NONNULL, __u64 stop_dentry) {
  struct walk_state w = {
      .buf = buf,
      .dentry = path->dentry,
      .stop = (struct dentry *)stop_dentry,
      .off = C2A_WALK_END,
  };
  buf->data[C2A_WALK_END] = 0;
  bpf_loop(C2A_PATH_DEPTH, below_step, &w, 0);
  if (w.off == C2A_WALK_END) { /* the end itself */
    w.off -= 1;
    buf->data[w.off & C2A_WALK_MASK] = '/';
  }
  return (w.off & C2A_WALK_MASK) | (w.done ? 0 : C2A_WALK_CUT);
}

/* Copies the walked path (without NUL) into the payload at *pos; returns its
 * length. */
static __always_inline __u16 emit_walked(struct out_record *out, __u32 *pos,
                                         struct walk_buf *buf, int start) {
  __u32 len = (C2A_WALK_END - start) & C2A_WALK_MASK;
  bpf_probe_read_kernel(&out->payload[*pos & C2A_OUT_MASK], len,
                        &buf->data[start & C2A_WALK_MASK]);
  *pos += len;
  return len;
}

/* Emits the path of a struct path; returns its length (0 if unavailable). */
static __always_inline __u16 emit_path(struct out_record *out, __u32 *pos,
                                       struct walk_buf *buf, struct path *path, int *cut) {
  struct dentry *dentry = path->dentry; /* path is a copy on our stack */
  struct vfsmount *mnt = path->mnt;
  if (!dentry || !mnt) {
    *cut = 1;
    return 0;
  }
  int walked = walk_path(buf, path);
  if (walked & C2A_WALK_CUT) {
    *cut = 1;
  }
  return emit_walked(out, pos, buf, walked & C2A_WALK_MASK);
}

/* The file behind one of the current task's fds, or NULL. */
static __always_inline struct file *fd_file(struct task_struct *task, __s64 fd) {
  if (fd < 0) {
    return NULL;
  }
  /* Direct loads from the task (see fill_identity); the fd array slot, at
   * a variable index, through an untyped read-only view of the array. */
  struct fdtable *fdt = task->files->fdt;
  if (!fdt || fd >= fdt->max_fds) {
    return NULL;
  }
  struct file *const *fds = bpf_rdonly_cast(fdt->fd, 0);
  return fds[fd & C2A_FD_MASK];
}

/* The first component of the path walk_path would write for `path` (the
 * name just under the namespace root), found by the walk's own steps without
 * copying a name: 1 and *top (NULL for the root itself) when the walk would
 * reach the root within C2A_TOP_STEPS steps; 0 when it would not, or would
 * write no absolute path (a memfd's, a pipe's). Names of at most NAME_MAX
 * bytes over that many steps fit the walk buffer: such a walk is never cut. */
static __always_inline int top_component(const struct path *path, struct dentry **top) {
  struct dentry *dentry = path->dentry;
  struct mount *mnt = container_of(path->mnt, struct mount, mnt);
  struct dentry *mnt_root = C2A_AS(struct vfsmount, path->mnt)->mnt_root;
  struct dentry *named = NULL;
#pragma unroll
  for (int i = 0; i < C2A_TOP_STEPS; i++) {
    struct dentry *parent = C2A_AS(struct dentry, dentry)->d_parent;
    if (dentry == parent && dentry != mnt_root) {
      return 0; /* no directory tree: walk_one writes a bare name */
    }
    if (dentry == mnt_root || dentry == parent) {
      struct mount *m = C2A_AS(struct mount, mnt);
      struct mount *up = m->mnt_parent;
      if (dentry != mnt_root || up == mnt || !up) {
        *top = named;
        return 1;
      }
      dentry = m->mnt_mountpoint;
      mnt = up;
      mnt_root = up->mnt.mnt_root;
      continue;
    }
    named = dentry;
    dentry = parent;
  }
  return 0;
}

/* The path gate's key for a first component: its length and first
 * C2A_TOP_NAME bytes, zero-padded (the words read past a short name are
 * masked off). The root itself has no component: length 0. */
static __always_inline void top_key(struct c2a_top_key *key, __u32 slot, struct dentry *top) {
  __u64 *words = (__u64 *)key->name;
  key->slot = slot;
  key->len = 0;
#pragma unroll
  for (int i = 0; i < C2A_TOP_NAME / 8; i++) {
    words[i] = 0;
  }
  if (!top) {
    return;
  }
  struct dentry *dentry = C2A_AS(struct dentry, top);
  __u32 len = dentry->d_name.len & (C2A_NAME_MAX - 1); /* as prepend_name takes it */
  const __u64 *name = bpf_rdonly_cast(dentry->d_name.name, 0);
  key->len = len;
#pragma unroll
  for (int i = 0; i < C2A_TOP_NAME / 8; i++) {
    if (len > 8 * i) {
      __u32 left = len - 8 * i;
      __u64 word = name[i];
      words[i] = left >= 8 ? word : word & ((1ULL << (8 * left)) - 1);
    }
  }
}

/* Emits the path of a file; 0 length and *cut set when there is none. */
static __always_inline __u16 emit_file_path(struct out_record *out, __u32 *pos,
                                            struct walk_buf *buf, struct file *file,
                                            int *cut) {
  if (!file) {
    *cut = 1;
    return 0;
  }
  struct path path = C2A_AS(struct file, file)->f_path;
  return emit_path(out, pos, buf, &path, cut);
}

/* Emits the path of an fd's file; 0 length and *cut set when unknown. */
static __always_inline __u16 emit_fd_path(struct out_record *out, __u32 *pos,
                                          struct walk_buf *buf,
                                          struct task_struct *task, __s64 fd, int *cut) {
  return emit_file_path(out, pos, buf, fd_file(task, fd), cut);
}

#define C2A_PIDFS_MAGIC 0x50494446 /* PID_FS_MAGIC: pidfds' file system */

/* Notes which file the object is, whatever name reached it: its inode and
 * its superblock's device; and what kernel audit's PATH record says of it:
 * type, permissions, owner. */
static __always_inline void note_object_identity(struct c2a_event *ev, struct file *file) {
  if (!file) {
    return;
  }
  struct inode *inode = C2A_AS(struct file, file)->f_inode;
  if (!inode) {
    return;
  }
  ev->obj_ino = inode->i_ino;
  ev->obj_dev = inode->i_sb->s_dev;
  ev->obj_mode = inode->i_mode;
  ev->obj_uid = inode->i_uid.val;
  ev->obj_gid = inode->i_gid.val;
  /* A pidfd (pidfd_send_signal's target) names a process: its inode's
   * number is not the pid, the struct pid it holds is. */
  if (inode->i_sb->s_magic == C2A_PIDFS_MAGIC) {
    struct pid *pid = C2A_AS(struct pid, inode->i_private);
    if (pid) {
      ev->obj_pid = pid->numbers[0].nr;
    }
  }
}

/* Emits the directory a relative name is resolved against: the cwd for
 * AT_FDCWD, else the dirfd's path. */
static __always_inline __u16 emit_base_dir(struct out_record *out, __u32 *pos,
                                           struct walk_buf *buf,
                                           struct task_struct *task,
                                           __s64 dirfd, int *cut) {
  if ((int)dirfd == C2A_AT_FDCWD) {
    struct path pwd = task->fs->pwd;
    return emit_path(out, pos, buf, &pwd, cut);
  }
  return emit_fd_path(out, pos, buf, task, (int)dirfd, cut);
}
