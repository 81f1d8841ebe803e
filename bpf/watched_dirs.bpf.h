/* Watched directories by identity. An objective on a whole tree (a glob of
 * a directory followed by two stars) selects what is done under it through
 * any other name too: a bind mount of the tree or of a directory above it,
 * a second mount of its file system (mount --bind / /mnt/r). Such a name
 * shares no prefix with the watched one, so the path checks drop it; what
 * they drop is asked again here, as kernel audit's directory watches do:
 * the object's own parents, within its file system and whatever mount
 * reached it, are looked up by identity in watched_inodes, where user space
 * put each watched tree's directory. */
#pragma once

#include "filter.bpf.h"
#include "paths.bpf.h"

#define C2A_DIR_SEARCH_INLINE 4 /* parents asked without a call */

struct dir_search {
  struct dentry *dentry; /* the next one to ask */
  __u64 found;           /* objectives watching the directories met */
  struct dentry *top;    /* the highest of them */
  struct c2a_watched_dir top_id;
  __u32 slot;
};

/* Asks one dentry whether it is a watched directory (its bit first, as
 * inode_candidates does), then moves to its parent; 1 to stop, at the root
 * of its file system. */
static __always_inline long ask_one_parent(struct dir_search *d) {
  if (!d->dentry) {
    return 1;
  }
  struct dentry *dentry = C2A_AS(struct dentry, d->dentry);
  struct inode *inode = dentry->d_inode;
  if (inode) {
    __u64 ino = inode->i_ino;
    __u32 dev = inode->i_sb->s_dev;
    __u32 slot = d->slot;
    __u32 bit = c2a_watched_bit(ino, dev);
    struct c2a_watched_bits *bits = bpf_map_lookup_elem(&watched_inode_bits, &slot);
    if (bits && (bits->words[(bit / 64) & (C2A_WATCHED_BITS / 64 - 1)] & (1ULL << (bit % 64)))) {
      struct c2a_inode_key key = {.ino = ino, .dev = dev, .slot = slot};
      __u64 *watchers = bpf_map_lookup_elem(&watched_inodes, &key);
      if (watchers) {
        d->found |= *watchers;
        d->top = d->dentry;
        d->top_id.ino = ino;
        d->top_id.dev = dev;
      }
    }
  }
  struct dentry *parent = dentry->d_parent;
  if (parent == d->dentry) {
    return 1;
  }
  d->dentry = parent;
  return 0;
}

static long ask_parent_step(__u32 index, void *data) {
  return ask_one_parent(data);
}

/* Whether `dev` holds any watched file or directory (a set bit only means
 * "look": devices may share one). */
static __always_inline int device_may_hold_watches(__u32 slot, __u32 dev) {
  struct c2a_watched_devices *devices = bpf_map_lookup_elem(&watched_devices, &slot);
  __u32 bit = c2a_device_bit(dev);
  return devices &&
         (devices->words[(bit / 64) & (C2A_DEVICE_BITS / 64 - 1)] & (1ULL << (bit % 64)));
}

/* The search itself: notes what it met in the scratch record. As deep as
 * walk_path goes. */
static __always_inline void search_watched_dirs(struct scratch *s, __u32 slot, __u64 file) {
  s->dirs_found = 0;
  struct path path = C2A_AS(struct file, (struct file *)file)->f_path;
  if (!path.dentry || !path.mnt ||
      !device_may_hold_watches(slot, C2A_AS(struct vfsmount, path.mnt)->mnt_sb->s_dev)) {
    return;
  }
  /* From the parent: the object itself, when watched, is inode_candidates' */
  struct dentry *parent = C2A_AS(struct dentry, path.dentry)->d_parent;
  if (parent == path.dentry) {
    return;
  }
  struct dir_search d = {.dentry = parent, .slot = slot};
  long stop = 0;
#pragma unroll
  for (int i = 0; i < C2A_DIR_SEARCH_INLINE; i++) {
    if (!stop) {
      stop = ask_one_parent(&d);
    }
  }
  if (!stop) {
    bpf_loop(C2A_PATH_DEPTH - C2A_DIR_SEARCH_INLINE, ask_parent_step, &d, 0);
  }
  if (!d.found) {
    return;
  }
  s->dirs_found = d.found;
  s->dir_top = (__u64)d.top;
  s->dir_id = d.top_id;
}

/* The objectives among `cand` (those the path checks dropped) watching a
 * directory that OBJ1's file lies under; when there are any, the record is
 * flagged, so that it carries its name in the tree (a record the path
 * checks kept by its own name needs none). Searched once per record (the
 * path gate and the path filter both ask); s->dirs_searched is cleared as
 * each record begins. A global function, verified once (`file` arrives as
 * a number); callers ask it only for candidates that watch a tree. */
__noinline __u64 watched_dir_candidates(struct scratch *s C2A_ARG_NONNULL,
                                        const struct c2a_policy_masks *m C2A_ARG_NONNULL,
                                        __u32 slot, __u64 cand, __u64 file) {
  if (!file) {
    return 0;
  }
  if (!s->dirs_searched) {
    s->dirs_searched = 1;
    search_watched_dirs(s, slot, file);
  }
  __u64 kept = cand & m->by_dir & s->dirs_found;
  if (kept) {
    s->out.ev.status |= C2A_ST_UNDER_WATCHED_DIR;
  }
  return kept;
}

static __always_inline __u64 under_watched_dirs(struct scratch *s, const struct c2a_policy_masks *m,
                                                __u32 slot, __u64 cand, struct file *file) {
  return (cand & m->by_dir) ? watched_dir_candidates(s, m, slot, cand, (__u64)file) : 0;
}

/* Writes C2A_F_WATCHED, the payload's last field, at `pos`: the watched
 * directory found and OBJ1's path below it. Returns its length. When
 * that path cannot be written whole, the field is left out and the flag
 * cleared: user space then judges the record by its names alone. A global
 * function, verified once (`file` arrives as a number). */
__noinline __u32 emit_watched_dir(struct scratch *s C2A_ARG_NONNULL, __u64 file, __u32 pos) {
  struct out_record *out = &s->out;
  if (!(out->ev.status & C2A_ST_UNDER_WATCHED_DIR) || !file) {
    return 0;
  }
  struct path below = C2A_AS(struct file, (struct file *)file)->f_path;
  int walked = walk_path_below(&s->walk, &below, s->dir_top);
  if (walked & C2A_WALK_CUT) {
    out->ev.status &= ~C2A_ST_UNDER_WATCHED_DIR;
    return 0;
  }
  __builtin_memcpy(&out->payload[pos & C2A_OUT_MASK], &s->dir_id, sizeof(s->dir_id));
  pos += sizeof(s->dir_id);
  __u16 len = emit_walked(out, &pos, &s->walk, walked & C2A_WALK_MASK);
  out->ev.len[C2A_F_WATCHED] = sizeof(s->dir_id) + len;
  return sizeof(s->dir_id) + len;
}

/* What a global function returns is any number to the verifier: the field
 * is at most a path and an identity long, a bound it can see. */
#define C2A_WATCHED_FIELD_MASK (2 * C2A_PATH_MAX - 1)
