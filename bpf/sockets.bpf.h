/* Socket addresses read from the kernel's own socket, for calls that name
 * none: listen (the local address it listens on) and accept without a peer
 * buffer (the peer it accepted). Emitted as a struct sockaddr, like the ones
 * copied from user memory, so user space decodes both the same way. */
#pragma once

#include <bpf/bpf_endian.h>

#include "paths.bpf.h"

#define C2A_AF_UNIX 1
#define C2A_AF_INET 2
#define C2A_AF_INET6 10

static __always_inline __u32 inet_addr(struct sockaddr_in *sin, struct sock *sk,
                                       int peer) {
  sin->sin_family = C2A_AF_INET;
  if (peer) {
    sin->sin_port = BPF_CORE_READ(sk, __sk_common.skc_dport);
    sin->sin_addr.s_addr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
  } else {
    sin->sin_port = bpf_htons(BPF_CORE_READ(sk, __sk_common.skc_num));
    sin->sin_addr.s_addr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
  }
  return sizeof(*sin);
}

static __always_inline __u32 inet6_addr(struct sockaddr_in6 *sin6, struct sock *sk,
                                        int peer) {
  sin6->sin6_family = C2A_AF_INET6;
  if (peer) {
    sin6->sin6_port = BPF_CORE_READ(sk, __sk_common.skc_dport);
    sin6->sin6_addr = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
  } else {
    sin6->sin6_port = bpf_htons(BPF_CORE_READ(sk, __sk_common.skc_num));
    sin6->sin6_addr = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
  }
  return sizeof(*sin6);
}

/* A unix socket's bound name (its own, or its peer's); 0 when unnamed. */
static __always_inline __u32 unix_addr(struct sockaddr_un *sun, struct sock *sk,
                                       int peer) {
  struct unix_sock *us = (struct unix_sock *)sk;
  if (peer) {
    us = (struct unix_sock *)BPF_CORE_READ(us, peer);
  }
  struct unix_address *ua = BPF_CORE_READ(us, addr);
  if (!ua) {
    return 0;
  }
  __u32 len = BPF_CORE_READ(ua, len);
  if (len > sizeof(*sun)) {
    len = sizeof(*sun);
  }
  bpf_probe_read_kernel(sun, len & (C2A_SOCKADDR_MAX - 1), &ua->name);
  return len;
}

/* Appends the address of the socket behind `fd`: local or peer. */
static __always_inline __u16 emit_socket_addr(struct out_record *out, __u32 *pos,
                                              struct task_struct *task, __s64 fd,
                                              int peer) {
  struct file *file = fd_file(task, fd);
  if (!file) {
    return 0;
  }
  struct socket *sock = BPF_CORE_READ(file, private_data);
  struct sock *sk = BPF_CORE_READ(sock, sk);
  if (!sk) {
    return 0;
  }
  union {
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
  } addr = {};
  __u32 len = 0;
  switch (BPF_CORE_READ(sk, __sk_common.skc_family)) {
  case C2A_AF_INET:
    len = inet_addr(&addr.in, sk, peer);
    break;
  case C2A_AF_INET6:
    len = inet6_addr(&addr.in6, sk, peer);
    break;
  case C2A_AF_UNIX:
    len = unix_addr(&addr.un, sk, peer);
    break;
  }
  len &= C2A_SOCKADDR_MAX - 1;
  if (!len || bpf_probe_read_kernel(&out->payload[*pos & C2A_OUT_MASK], len, &addr) < 0) {
    return 0;
  }
  *pos += len;
  return len;
}
