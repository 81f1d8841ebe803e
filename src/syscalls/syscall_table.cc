#include "syscalls/syscall_table.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/syscall.h>

#include <array>

#include "c2audit/filter_decision.h"

namespace c2audit {
namespace {

constexpr uint8_t N = C2A_ARG_NONE;

// Argument roles: {flags, name1, dirfd1, name2, dirfd2, fd, open flags,
// sockaddr, struct length, pad}.
constexpr c2a_syscall_spec path_at(uint8_t name, uint8_t dirfd = N) {
  return {0, name, dirfd, N, N, N, N, N, 0, 0};
}
constexpr c2a_syscall_spec two_paths(uint8_t n1, uint8_t d1, uint8_t n2, uint8_t d2) {
  return {0, n1, d1, n2, d2, N, N, N, 0, 0};
}
constexpr c2a_syscall_spec fd_object(uint8_t fd) { return {0, N, N, N, N, fd, N, N, 0, 0}; }
constexpr c2a_syscall_spec open_spec(uint8_t name, uint8_t dirfd, uint8_t flags,
                                     uint8_t extra = 0) {
  return {static_cast<uint8_t>(C2A_SPEC_RET_FD | extra), name, dirfd, N, N, N, flags, N, 0, 0};
}
constexpr c2a_syscall_spec exec_spec(uint8_t name, uint8_t dirfd) {
  return {C2A_SPEC_EXEC, name, dirfd, N, N, N, N, N, 0, 0};
}
constexpr c2a_syscall_spec socket_spec(uint8_t addr, uint8_t extra = 0) {
  return {extra, N, N, N, N, N, N, addr, 0, 0};  // a socket fd has no path worth naming
}
constexpr uint8_t kAcceptFlags = C2A_SPEC_PEER_AT_EXIT | C2A_SPEC_SOCK_FROM_FD;
constexpr c2a_syscall_spec no_args() { return {0, N, N, N, N, N, N, N, 0, 0}; }

// The time calls: argument `arg` points to what they set (a timespec, a
// timeval, a struct timex), read by the sensor; `clock` is the clock's argument.
constexpr size_t kTimexBytesRead = 128;  // modes .. tick and more; the rest is padding
constexpr SyscallInfo sets_time(SyscallInfo info, TimeArg what, uint8_t arg, uint8_t clock = N) {
  info.spec.sockaddr_arg = arg;
  info.spec.struct_len = what == TimeArg::timex ? kTimexBytesRead : 16;
  info.time_arg = what;
  info.clock_arg = clock;
  return info;
}

constexpr auto F = ClassRule::fixed;

// chmod and its kin: the mode set is argument `arg` (setuid and setgid bits
// are what objectives look for).
constexpr SyscallInfo sets_mode(SyscallInfo info, uint8_t arg) {
  info.mode_arg = arg;
  return info;
}

// The xattr calls: argument 1 is the attribute's name ("security.capability"
// is what setcap writes), read by the sensor as NAME2, data not a path.
constexpr SyscallInfo names_xattr(SyscallInfo info) {
  info.spec.name2_arg = 1;
  info.spec.dirfd2_arg = C2A_ARG_LITERAL;
  info.name2 = Name2::xattr;
  return info;
}

// delete_module(name, flags): the module's name, read by the sensor as NAME2.
constexpr SyscallInfo names_module(SyscallInfo info) {
  info.spec.name2_arg = 0;
  info.spec.dirfd2_arg = C2A_ARG_LITERAL;
  info.name2 = Name2::module;
  return info;
}

// kill and its kin: the process (or group) they signal, and the signal.
constexpr SyscallInfo signals(SyscallInfo info, uint8_t target, uint8_t signal) {
  info.target_arg = target;
  info.signal_arg = signal;
  return info;
}

// Syscall numbers absent from older headers (x86_64).
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

// chattr's requests: the file attribute flags (FS_IOC32_SETFLAGS is what a
// 32-bit program passes), and the extended ones (xfs_io, chattr +x).
constexpr std::array<uint32_t, C2A_IOCTL_REQUESTS> kAttributeIoctls = {
    FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS, FS_IOC_FSSETXATTR, 0};

const std::array kSyscalls = {
    // Opens: the object the kernel opened comes from the returned fd.
    SyscallInfo{"open", SYS_open, "", ClassRule::open_flags, open_spec(0, N, 1)},
    SyscallInfo{"openat", SYS_openat, "", ClassRule::open_flags, C2A_OPENAT_ROLES},
    SyscallInfo{"openat2", SYS_openat2, "", ClassRule::open_flags,
                open_spec(1, 0, 2, C2A_SPEC_OPEN_HOW)},
    SyscallInfo{"creat", SYS_creat, "file.create", F, open_spec(0, N, N)},
    // A file by handle (name_to_handle_at): no name at all, only the fd.
    SyscallInfo{"open_by_handle_at", SYS_open_by_handle_at, "", ClassRule::open_flags,
                open_spec(N, N, 2)},
    // An anonymous file, named "memfd:NAME" by the sensor (its fd's object).
    SyscallInfo{"memfd_create", SYS_memfd_create, "file.create", F, open_spec(N, N, N)},
    SyscallInfo{"truncate", SYS_truncate, "file.write", F, path_at(0)},
    SyscallInfo{"ftruncate", SYS_ftruncate, "file.write", F, fd_object(0)},
    SyscallInfo{"unlink", SYS_unlink, "file.delete", F, path_at(0)},
    SyscallInfo{"unlinkat", SYS_unlinkat, "file.delete", F, path_at(1, 0)},
    SyscallInfo{"rmdir", SYS_rmdir, "file.delete", F, path_at(0)},
    SyscallInfo{"mkdir", SYS_mkdir, "file.create", F, path_at(0)},
    SyscallInfo{"mkdirat", SYS_mkdirat, "file.create", F, path_at(1, 0)},
    SyscallInfo{"mknod", SYS_mknod, "file.create", F, path_at(0)},
    SyscallInfo{"mknodat", SYS_mknodat, "file.create", F, path_at(1, 0)},
    SyscallInfo{"rename", SYS_rename, "file.rename", F, two_paths(0, N, 1, N)},
    SyscallInfo{"renameat", SYS_renameat, "file.rename", F, two_paths(1, 0, 3, 2)},
    SyscallInfo{"renameat2", SYS_renameat2, "file.rename", F, two_paths(1, 0, 3, 2)},
    // Links: path is the new name, path2 the existing file (or symlink target).
    SyscallInfo{"link", SYS_link, "file.create", F, two_paths(1, N, 0, N)},
    SyscallInfo{"linkat", SYS_linkat, "file.create", F, two_paths(3, 2, 1, 0)},
    SyscallInfo{"symlink", SYS_symlink, "file.create", F, two_paths(1, N, 0, N), Name2::literal},
    SyscallInfo{"symlinkat", SYS_symlinkat, "file.create", F, two_paths(2, 1, 0, N),
                Name2::literal},
    sets_mode(SyscallInfo{"chmod", SYS_chmod, "file.attr", F, path_at(0)}, 1),
    sets_mode(SyscallInfo{"fchmod", SYS_fchmod, "file.attr", F, fd_object(0)}, 1),
    sets_mode(SyscallInfo{"fchmodat", SYS_fchmodat, "file.attr", F, path_at(1, 0)}, 2),
    sets_mode(SyscallInfo{"fchmodat2", SYS_fchmodat2, "file.attr", F, path_at(1, 0)}, 2),
    SyscallInfo{"chown", SYS_chown, "file.attr", F, path_at(0)},
    SyscallInfo{"fchown", SYS_fchown, "file.attr", F, fd_object(0)},
    SyscallInfo{"lchown", SYS_lchown, "file.attr", F, path_at(0)},
    SyscallInfo{"fchownat", SYS_fchownat, "file.attr", F, path_at(1, 0)},
    names_xattr(SyscallInfo{"setxattr", SYS_setxattr, "file.attr", F, path_at(0)}),
    names_xattr(SyscallInfo{"lsetxattr", SYS_lsetxattr, "file.attr", F, path_at(0)}),
    names_xattr(SyscallInfo{"fsetxattr", SYS_fsetxattr, "file.attr", F, fd_object(0)}),
    // chattr +i / +a: the flags set are recorded in `flags`, the request in `request`.
    SyscallInfo{"ioctl", SYS_ioctl, "file.attr", F, fd_object(0), Name2::path, kAttributeIoctls},
    names_xattr(SyscallInfo{"removexattr", SYS_removexattr, "file.attr", F, path_at(0)}),
    names_xattr(SyscallInfo{"lremovexattr", SYS_lremovexattr, "file.attr", F, path_at(0)}),
    names_xattr(SyscallInfo{"fremovexattr", SYS_fremovexattr, "file.attr", F, fd_object(0)}),
    SyscallInfo{"execve", SYS_execve, "process.exec", F, exec_spec(0, N)},
    SyscallInfo{"execveat", SYS_execveat, "process.exec", F, exec_spec(1, 0)},
    SyscallInfo{"setuid", SYS_setuid, "priv.change", F, no_args()},
    SyscallInfo{"setgid", SYS_setgid, "priv.change", F, no_args()},
    SyscallInfo{"setreuid", SYS_setreuid, "priv.change", F, no_args()},
    SyscallInfo{"setregid", SYS_setregid, "priv.change", F, no_args()},
    SyscallInfo{"setresuid", SYS_setresuid, "priv.change", F, no_args()},
    SyscallInfo{"setresgid", SYS_setresgid, "priv.change", F, no_args()},
    SyscallInfo{"setfsuid", SYS_setfsuid, "priv.change", F, no_args()},
    SyscallInfo{"setfsgid", SYS_setfsgid, "priv.change", F, no_args()},
    SyscallInfo{"setgroups", SYS_setgroups, "priv.change", F, no_args()},
    SyscallInfo{"capset", SYS_capset, "priv.change", F, no_args()},
    // Namespaces: what a container escape or a sandbox does.
    SyscallInfo{"unshare", SYS_unshare, "priv.change", F, no_args()},
    SyscallInfo{"setns", SYS_setns, "priv.change", F, no_args()},
    SyscallInfo{"connect", SYS_connect, "net.connect", F, socket_spec(1)},
    SyscallInfo{"accept", SYS_accept, "net.accept", F, socket_spec(1, kAcceptFlags)},
    SyscallInfo{"accept4", SYS_accept4, "net.accept", F, socket_spec(1, kAcceptFlags)},
    SyscallInfo{"bind", SYS_bind, "net.bind", F, socket_spec(1)},
    SyscallInfo{"listen", SYS_listen, "net.bind", F, socket_spec(N, C2A_SPEC_SOCK_FROM_FD)},
    SyscallInfo{"mount", SYS_mount, "admin.mount", F, two_paths(1, N, 0, N), Name2::literal},
    SyscallInfo{"umount2", SYS_umount2, "admin.mount", F, path_at(0)},
    // The mount API of Linux 5.2+: a tree opened, moved (path is where to,
    // path2 where from), its attributes changed.
    SyscallInfo{"open_tree", SYS_open_tree, "admin.mount", F, open_spec(1, 0, N)},
    SyscallInfo{"move_mount", SYS_move_mount, "admin.mount", F, two_paths(3, 2, 1, 0)},
    SyscallInfo{"mount_setattr", SYS_mount_setattr, "admin.mount", F, path_at(1, 0)},
    SyscallInfo{"swapon", SYS_swapon, "admin.mount", F, path_at(0)},
    SyscallInfo{"swapoff", SYS_swapoff, "admin.mount", F, path_at(0)},
    SyscallInfo{"chroot", SYS_chroot, "admin.mount", F, path_at(0)},
    SyscallInfo{"sethostname", SYS_sethostname, "admin.host", F, no_args()},
    SyscallInfo{"setdomainname", SYS_setdomainname, "admin.host", F, no_args()},
    sets_time(SyscallInfo{"settimeofday", SYS_settimeofday, "admin.time", F, no_args()},
              TimeArg::timeval, 0),
    sets_time(SyscallInfo{"clock_settime", SYS_clock_settime, "admin.time", F, no_args()},
              TimeArg::timespec, 1, 0),
    sets_time(SyscallInfo{"adjtimex", SYS_adjtimex, "admin.time", F, no_args()}, TimeArg::timex, 0),
    sets_time(SyscallInfo{"clock_adjtime", SYS_clock_adjtime, "admin.time", F, no_args()},
              TimeArg::timex, 1, 0),
    SyscallInfo{"reboot", SYS_reboot, "admin.reboot", F, no_args()},
    SyscallInfo{"init_module", SYS_init_module, "admin.module", F, no_args()},
    SyscallInfo{"finit_module", SYS_finit_module, "admin.module", F, fd_object(0)},
    names_module(SyscallInfo{"delete_module", SYS_delete_module, "admin.module", F, no_args()}),
    // A new kernel to boot into: code into the kernel, as a module is.
    SyscallInfo{"kexec_load", SYS_kexec_load, "admin.module", F, no_args()},
    SyscallInfo{"kexec_file_load", SYS_kexec_file_load, "admin.module", F, no_args()},
    // ptrace(request, pid, ...): the traced process is argument 1.
    signals(SyscallInfo{"ptrace", SYS_ptrace, "admin.ptrace", F, no_args()}, 1, N),
    // Signals: tkill and tgkill name a thread (tgkill also its process: the
    // target recorded); a pidfd's process is known by its fd.
    signals(SyscallInfo{"kill", SYS_kill, "process.signal", F, no_args()}, 0, 1),
    signals(SyscallInfo{"tkill", SYS_tkill, "process.signal", F, no_args()}, 0, 1),
    signals(SyscallInfo{"tgkill", SYS_tgkill, "process.signal", F, no_args()}, 0, 2),
    signals(SyscallInfo{"rt_sigqueueinfo", SYS_rt_sigqueueinfo, "process.signal", F, no_args()}, 0,
            1),
    signals(SyscallInfo{"rt_tgsigqueueinfo", SYS_rt_tgsigqueueinfo, "process.signal", F, no_args()},
            0, 2),
    signals(
        SyscallInfo{"pidfd_send_signal", SYS_pidfd_send_signal, "process.signal", F, fd_object(0)},
        N, 1),
};

}  // namespace

std::span<const SyscallInfo> covered_syscalls() { return kSyscalls; }

const SyscallInfo* find_syscall(uint32_t nr) {
  for (const auto& info : kSyscalls) {
    if (info.nr == nr) return &info;
  }
  return nullptr;
}

const SyscallInfo* find_syscall(std::string_view name) {
  for (const auto& info : kSyscalls) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

bool has_fd_object(const SyscallInfo& info) {
  return (info.spec.flags & C2A_SPEC_RET_FD) || info.spec.fd_arg != C2A_ARG_NONE;
}

bool has_address(const SyscallInfo& info) {
  // A time call's struct travels in the sockaddr role too: it is no address.
  bool given = info.spec.sockaddr_arg != C2A_ARG_NONE && info.time_arg == TimeArg::none;
  return given || (info.spec.flags & C2A_SPEC_SOCK_FROM_FD);
}

// The kernel pre-filter's rule (c2audit/filter_decision.h), in words.
std::string_view event_class_of(const SyscallInfo& info, uint64_t open_flags) {
  if (info.class_rule == ClassRule::fixed) return info.event_class;
  switch (c2a_open_class_of(open_flags)) {
    case C2A_OPEN_CREATE:
      return "file.create";
    case C2A_OPEN_WRITE:
      return "file.write";
    case C2A_OPEN_READ:
      break;
  }
  return "file.read";
}

}  // namespace c2audit
