/* The objective pre-filter: drops, before a record is built and copied, the
 * events no objective can select. User space compiles the objectives into
 * masks (one bit per objective, see struct c2a_policy_masks); the kernel ANDs
 * what it can check — syscall, result and errno, open class, user, path
 * prefix — by the steps of c2audit/filter_decision.h (shared with user
 * space's model of this filter), doing the map lookups they need here; user
 * space applies the exact match to what remains. */
#pragma once

#include "c2audit/filter_decision.h"
#include "maps.bpf.h"

/* The filter entry of one call number of one ABI, selected or not. */
static __always_inline struct c2a_syscall_filter *filter_entry(__u32 slot, __u32 abi, long nr) {
  if (nr < 0 || nr >= C2A_SYSCALL_SLOTS || slot >= C2A_POLICY_SLOTS || abi >= C2A_ABI_COUNT) {
    return NULL;
  }
  __u32 key = c2a_filter_key(slot, abi, nr);
  return bpf_map_lookup_elem(&syscall_filters, &key);
}

static __always_inline struct c2a_syscall_filter *selected_filter(__u32 slot, __u32 abi, long nr) {
  struct c2a_syscall_filter *f = filter_entry(slot, abi, nr);
  return f && (f->spec.flags & C2A_SPEC_AUDIT) ? f : NULL;
}

/* An ioctl entry passes only the requests it lists (argument 1, as the
 * call's ABI passes it); any other entry passes every call. */
static __always_inline bool request_selected(const struct c2a_syscall_filter *f,
                                             const struct pt_regs *regs, __u32 abi) {
  if (!f->ioctl_requests[0]) {
    return true;
  }
  __u32 request = abi == C2A_ABI_IA32 ? (__u32)regs->cx : (__u32)regs->si;
  for (int i = 0; i < C2A_IOCTL_REQUESTS; i++) {
    if (f->ioctl_requests[i] && f->ioctl_requests[i] == request) {
      return true;
    }
  }
  return false;
}

static __always_inline void count_filtered(void) {
  __u32 zero = 0;
  __u64 *n = bpf_map_lookup_elem(&filtered, &zero);
  if (n) {
    (*n)++;
  }
}

/* Objectives that may still select the event, from what is known at exit
 * before the record is built: syscall, result, open class, user. */
static __always_inline __u64 candidates(const struct c2a_syscall_filter *f,
                                        const struct c2a_policy_masks *m, __u32 slot,
                                        __s64 ret, __u64 open_flags,
                                        const struct c2a_event *ev) {
  int failed = c2a_failed(ret);
  __u64 *by_errno = NULL;
  if (failed) {
    struct c2a_errno_key err = {.slot = slot, .err = (__u32)-ret};
    by_errno = bpf_map_lookup_elem(&errno_masks, &err);
  }
  __u64 cand = c2a_by_result(m, f->objectives, failed, by_errno ? *by_errno : 0);
  if (f->spec.flags & C2A_SPEC_OPEN_CLASS) {
    cand = c2a_by_open_class(m, cand, open_flags);
  }
  if (!(cand & m->user_lists)) {
    return cand; /* no candidate names users: spare the lookups */
  }
  int no_login = ev->auid == (__u32)-1;
  struct c2a_user_key key = {.slot = slot, .id = no_login ? ev->uid : ev->auid};
  struct c2a_user_masks *u = bpf_map_lookup_elem(&user_masks, &key);
  __u64 include = u ? u->include : 0;
  __u64 exclude = u ? u->exclude : 0;
  if (no_login) { /* entries for "unset" name every process without a login */
    key.id = (__u32)-1;
    u = bpf_map_lookup_elem(&user_masks, &key);
    include |= u ? u->include : 0;
    exclude |= u ? u->exclude : 0;
  }
  return c2a_by_user(m, cand, include, exclude);
}

/* Narrows candidates by a resolved absolute path (the object the kernel
 * itself named, so no "..", "//" or symlink can dodge the prefix). */
static __always_inline __u64 path_candidates(struct scratch *s, const struct c2a_policy_masks *m,
                                             __u32 slot, __u32 path_pos, __u32 path_len,
                                             __u64 cand) {
  struct c2a_prefix_key *key = &s->prefix;
  __u32 len = path_len;
  if (len > C2A_PREFIX_MAX) {
    len = C2A_PREFIX_MAX; /* longer paths compare on their first bytes */
  }
  barrier_var(len);
  key->slot = slot;
  if (bpf_probe_read_kernel(key->path, len, &s->out.payload[path_pos & C2A_OUT_MASK]) < 0) {
    return cand;
  }
  key->prefixlen = 8 * (1 + len);
  __u64 *by_prefix = bpf_map_lookup_elem(&path_prefixes, key);
  return c2a_by_path(m, cand, by_prefix ? *by_prefix : 0);
}
