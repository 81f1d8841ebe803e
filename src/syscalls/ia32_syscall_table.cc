#include "syscalls/ia32_syscall_table.h"

// The ia32 numbers, and only those: this file must not see the x86-64 ones
// (<sys/syscall.h>), whose macros have the same names.
#include <asm/unistd_32.h>

#include <array>
#include <vector>

#include "c2audit/wire.h"

// Numbers absent from older headers (shared by both ABIs since Linux 5.1).
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif

namespace c2audit {
namespace {

static_assert(C2A_IA32_SOCKETCALL == __NR_socketcall);

struct Alias {
  uint32_t nr;
  std::string_view name;
  std::string_view recorded_as;
  bool via_socketcall = false;
};

// Calls whose arguments play the same roles as in the x86-64 call they are
// recorded as (pointers are 32 bits wide; the sensor reads them so).
constexpr std::array kAliases = {
    Alias{__NR_open, "open", "open"},
    Alias{__NR_openat, "openat", "openat"},
    Alias{__NR_openat2, "openat2", "openat2"},
    Alias{__NR_creat, "creat", "creat"},
    Alias{__NR_open_by_handle_at, "open_by_handle_at", "open_by_handle_at"},
    Alias{__NR_memfd_create, "memfd_create", "memfd_create"},
    Alias{__NR_truncate, "truncate", "truncate"},
    Alias{__NR_truncate64, "truncate64", "truncate"},
    Alias{__NR_ftruncate, "ftruncate", "ftruncate"},
    Alias{__NR_ftruncate64, "ftruncate64", "ftruncate"},
    Alias{__NR_unlink, "unlink", "unlink"},
    Alias{__NR_unlinkat, "unlinkat", "unlinkat"},
    Alias{__NR_rmdir, "rmdir", "rmdir"},
    Alias{__NR_mkdir, "mkdir", "mkdir"},
    Alias{__NR_mkdirat, "mkdirat", "mkdirat"},
    Alias{__NR_mknod, "mknod", "mknod"},
    Alias{__NR_mknodat, "mknodat", "mknodat"},
    Alias{__NR_rename, "rename", "rename"},
    Alias{__NR_renameat, "renameat", "renameat"},
    Alias{__NR_renameat2, "renameat2", "renameat2"},
    Alias{__NR_link, "link", "link"},
    Alias{__NR_linkat, "linkat", "linkat"},
    Alias{__NR_symlink, "symlink", "symlink"},
    Alias{__NR_symlinkat, "symlinkat", "symlinkat"},
    Alias{__NR_chmod, "chmod", "chmod"},
    Alias{__NR_fchmod, "fchmod", "fchmod"},
    Alias{__NR_fchmodat, "fchmodat", "fchmodat"},
    Alias{__NR_fchmodat2, "fchmodat2", "fchmodat2"},
    Alias{__NR_chown, "chown", "chown"},  // 16-bit ids
    Alias{__NR_chown32, "chown32", "chown"},
    Alias{__NR_fchown, "fchown", "fchown"},
    Alias{__NR_fchown32, "fchown32", "fchown"},
    Alias{__NR_lchown, "lchown", "lchown"},
    Alias{__NR_lchown32, "lchown32", "lchown"},
    Alias{__NR_fchownat, "fchownat", "fchownat"},
    Alias{__NR_setxattr, "setxattr", "setxattr"},
    Alias{__NR_lsetxattr, "lsetxattr", "lsetxattr"},
    Alias{__NR_fsetxattr, "fsetxattr", "fsetxattr"},
    Alias{__NR_ioctl, "ioctl", "ioctl"},
    Alias{__NR_removexattr, "removexattr", "removexattr"},
    Alias{__NR_lremovexattr, "lremovexattr", "lremovexattr"},
    Alias{__NR_fremovexattr, "fremovexattr", "fremovexattr"},
    Alias{__NR_execve, "execve", "execve"},
    Alias{__NR_execveat, "execveat", "execveat"},
    Alias{__NR_setuid, "setuid", "setuid"},
    Alias{__NR_setuid32, "setuid32", "setuid"},
    Alias{__NR_setgid, "setgid", "setgid"},
    Alias{__NR_setgid32, "setgid32", "setgid"},
    Alias{__NR_setreuid, "setreuid", "setreuid"},
    Alias{__NR_setreuid32, "setreuid32", "setreuid"},
    Alias{__NR_setregid, "setregid", "setregid"},
    Alias{__NR_setregid32, "setregid32", "setregid"},
    Alias{__NR_setresuid, "setresuid", "setresuid"},
    Alias{__NR_setresuid32, "setresuid32", "setresuid"},
    Alias{__NR_setresgid, "setresgid", "setresgid"},
    Alias{__NR_setresgid32, "setresgid32", "setresgid"},
    Alias{__NR_setfsuid, "setfsuid", "setfsuid"},
    Alias{__NR_setfsuid32, "setfsuid32", "setfsuid"},
    Alias{__NR_setfsgid, "setfsgid", "setfsgid"},
    Alias{__NR_setfsgid32, "setfsgid32", "setfsgid"},
    Alias{__NR_setgroups, "setgroups", "setgroups"},
    Alias{__NR_setgroups32, "setgroups32", "setgroups"},
    Alias{__NR_capset, "capset", "capset"},
    Alias{__NR_unshare, "unshare", "unshare"},
    Alias{__NR_setns, "setns", "setns"},
    // Socket calls: direct since Linux 4.3, and through socketcall(2), which
    // the sensor unfolds into these numbers (wire.h).
    Alias{__NR_connect, "connect", "connect", true},
    Alias{__NR_bind, "bind", "bind", true},
    Alias{__NR_listen, "listen", "listen", true},
    Alias{__NR_accept4, "accept4", "accept4", true},
    Alias{C2A_IA32_SOCKETCALL_ACCEPT, "socketcall(SYS_ACCEPT)", "accept", true},
    Alias{__NR_mount, "mount", "mount"},
    Alias{__NR_umount, "umount", "umount2"},  // umount(path): umount2 without flags
    Alias{__NR_umount2, "umount2", "umount2"},
    Alias{__NR_open_tree, "open_tree", "open_tree"},
    Alias{__NR_move_mount, "move_mount", "move_mount"},
    Alias{__NR_mount_setattr, "mount_setattr", "mount_setattr"},
    Alias{__NR_swapon, "swapon", "swapon"},
    Alias{__NR_swapoff, "swapoff", "swapoff"},
    Alias{__NR_chroot, "chroot", "chroot"},
    Alias{__NR_sethostname, "sethostname", "sethostname"},
    Alias{__NR_setdomainname, "setdomainname", "setdomainname"},
    Alias{__NR_settimeofday, "settimeofday", "settimeofday"},
    Alias{__NR_stime, "stime", "settimeofday"},  // sets the time: ia32 only
    Alias{__NR_clock_settime, "clock_settime", "clock_settime"},
    Alias{__NR_clock_settime64, "clock_settime64", "clock_settime"},
    Alias{__NR_adjtimex, "adjtimex", "adjtimex"},
    Alias{__NR_clock_adjtime, "clock_adjtime", "clock_adjtime"},
    Alias{__NR_clock_adjtime64, "clock_adjtime64", "clock_adjtime"},
    Alias{__NR_reboot, "reboot", "reboot"},
    Alias{__NR_init_module, "init_module", "init_module"},
    Alias{__NR_finit_module, "finit_module", "finit_module"},
    Alias{__NR_delete_module, "delete_module", "delete_module"},
    Alias{__NR_kexec_load, "kexec_load", "kexec_load"},  // kexec_file_load: x86-64 only
    Alias{__NR_ptrace, "ptrace", "ptrace"},
    Alias{__NR_kill, "kill", "kill"},
    Alias{__NR_tkill, "tkill", "tkill"},
    Alias{__NR_tgkill, "tgkill", "tgkill"},
    Alias{__NR_rt_sigqueueinfo, "rt_sigqueueinfo", "rt_sigqueueinfo"},
    Alias{__NR_rt_tgsigqueueinfo, "rt_tgsigqueueinfo", "rt_tgsigqueueinfo"},
    Alias{__NR_pidfd_send_signal, "pidfd_send_signal", "pidfd_send_signal"},
};

std::vector<Ia32Syscall> build_table() {
  std::vector<Ia32Syscall> table;
  for (const auto& alias : kAliases) {
    table.push_back(
        {alias.nr, alias.name, find_syscall(alias.recorded_as), alias.via_socketcall});
  }
  return table;
}

}  // namespace

std::span<const Ia32Syscall> ia32_syscalls() {
  static const std::vector<Ia32Syscall> table = build_table();
  return table;
}

const SyscallInfo* find_ia32_syscall(uint32_t nr) {
  for (const auto& call : ia32_syscalls()) {
    if (call.nr == nr) return call.info;
  }
  return nullptr;
}

}  // namespace c2audit
