// c2audit-workload: performs every covered syscall once on unique paths under
// a work directory, by raw syscall numbers (glibc would turn open() into
// openat()), and prints what an auditor must find for each, one JSON object
// per line: event, class, path, path2, result, errno, pid, uid. The result is
// what the kernel really returned, so the expectation never guesses.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

constexpr uid_t kOtherUid = 65534;  // nobody
constexpr long kSysFchmodat2 = 452;  // x86_64; newer than Debian 12's headers
std::string g_dir;                  // absolute work directory

std::string at(const std::string& name) { return g_dir + "/" + name; }

// Prints one expectation for a syscall that returned `ret` (-1 + errno on failure).
void expect(const char* event, const char* cls, long ret, const std::string& path,
            const std::string& path2 = "", const std::string& addr = "", int port = -1) {
  int err = errno;
  nlohmann::json j = {{"event", event}, {"class", cls}, {"pid", getpid()}, {"uid", getuid()},
                      {"result", ret < 0 ? "failure" : "success"}};
  if (!path.empty()) j["path"] = path;
  if (!path2.empty()) j["path2"] = path2;
  if (ret < 0) j["errno"] = strerrorname_np(err);
  if (!addr.empty()) j["addr"] = addr;
  if (port >= 0) j["port"] = port;
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

// Runs `body` in a child process and waits for it.
void in_child(const std::function<void()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    body();
    std::fflush(stdout);
    _exit(0);
  }
  waitpid(pid, nullptr, 0);
}

// Creates a fixture file from a child process, so that its own open and chmod
// records (another pid) never pass for the operations the workload expects.
void make_file(const std::string& path, mode_t mode = 0644) {
  in_child([&] {
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, mode);
    if (fd >= 0) ::close(fd);
    ::chmod(path.c_str(), mode);
  });
}

long sys(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
  return syscall(nr, a, b, c, d, e);
}

long str(const std::string& s) { return reinterpret_cast<long>(s.c_str()); }

void opens(int dirfd) {
  make_file(at("read_rel"));
  make_file(at("write_dirfd"));
  make_file(at("openat2_file"));
  long fd;
  fd = sys(SYS_open, str(at("create_abs")), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  expect("open", "file.create", fd, at("create_abs"));
  ::close(fd);
  fd = sys(SYS_openat, AT_FDCWD, str(std::string("read_rel")), O_RDONLY | O_CLOEXEC);
  expect("openat", "file.read", fd, at("read_rel"));
  ::close(fd);
  fd = sys(SYS_openat, dirfd, str(std::string("write_dirfd")), O_WRONLY | O_TRUNC | O_CLOEXEC);
  expect("openat", "file.write", fd, at("write_dirfd"));
  ::close(fd);
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC;
  fd = sys(SYS_openat2, AT_FDCWD, str(at("openat2_file")), reinterpret_cast<long>(&how),
           sizeof(how));
  expect("openat2", "file.read", fd, at("openat2_file"));
  ::close(fd);
  fd = sys(SYS_openat, AT_FDCWD, str(std::string("./sub/../missing_rel")), O_RDONLY);
  expect("openat", "file.read", fd, at("missing_rel"));
  fd = sys(SYS_creat, str(at("creat_file")), 0600);
  expect("creat", "file.create", fd, at("creat_file"));
  ::close(fd);
}

void file_changes(int dirfd) {
  make_file(at("trunc_file"));
  expect("truncate", "file.write", sys(SYS_truncate, str(at("trunc_file")), 0), at("trunc_file"));
  make_file(at("ftrunc_file"));
  int fd = ::open(at("ftrunc_file").c_str(), O_WRONLY | O_CLOEXEC);
  expect("ftruncate", "file.write", sys(SYS_ftruncate, fd, 0), at("ftrunc_file"));
  ::close(fd);
  make_file(at("unlink_file"));
  expect("unlink", "file.delete", sys(SYS_unlink, str(at("unlink_file"))), at("unlink_file"));
  make_file(at("unlinkat_file"));
  expect("unlinkat", "file.delete", sys(SYS_unlinkat, dirfd, str(std::string("unlinkat_file")), 0),
         at("unlinkat_file"));
  expect("unlink", "file.delete", sys(SYS_unlink, str(at("unlink_missing"))), at("unlink_missing"));
  expect("mkdir", "file.create", sys(SYS_mkdir, str(std::string("mkdir_rel")), 0755),
         at("mkdir_rel"));
  expect("mkdirat", "file.create", sys(SYS_mkdirat, dirfd, str(std::string("mkdirat_dir")), 0755),
         at("mkdirat_dir"));
  expect("rmdir", "file.delete", sys(SYS_rmdir, str(at("mkdirat_dir"))), at("mkdirat_dir"));
  expect("mknod", "file.create", sys(SYS_mknod, str(at("fifo")), S_IFIFO | 0600, 0), at("fifo"));
  expect("mknodat", "file.create",
         sys(SYS_mknodat, dirfd, str(std::string("fifo_at")), S_IFIFO | 0600, 0), at("fifo_at"));
}

void renames_and_links(int dirfd) {
  make_file(at("ren_a"));
  expect("rename", "file.rename", sys(SYS_rename, str(at("ren_a")), str(at("ren_b"))), at("ren_a"),
         at("ren_b"));
  make_file(at("ren_c"));
  expect("renameat", "file.rename",
         sys(SYS_renameat, dirfd, str(std::string("ren_c")), AT_FDCWD, str(std::string("ren_d"))),
         at("ren_c"), at("ren_d"));
  make_file(at("ren_e"));
  expect("renameat2", "file.rename",
         sys(SYS_renameat2, dirfd, str(std::string("ren_e")), dirfd, str(std::string("ren_b")),
             RENAME_NOREPLACE),
         at("ren_e"), at("ren_b"));
  make_file(at("link_src"));
  expect("link", "file.create", sys(SYS_link, str(at("link_src")), str(at("link_new"))),
         at("link_new"), at("link_src"));
  expect("linkat", "file.create",
         sys(SYS_linkat, dirfd, str(std::string("link_src")), dirfd,
             str(std::string("linkat_new")), 0),
         at("linkat_new"), at("link_src"));
  expect("symlink", "file.create",
         sys(SYS_symlink, str(std::string("some/target")), str(at("sym_new"))), at("sym_new"),
         "some/target");
  expect("symlinkat", "file.create",
         sys(SYS_symlinkat, str(std::string("/etc/hostname")), dirfd,
             str(std::string("symat_new"))),
         at("symat_new"), "/etc/hostname");
}

void attributes(int dirfd) {
  make_file(at("attr_file"));
  int fd = ::open(at("attr_file").c_str(), O_RDONLY | O_CLOEXEC);
  expect("chmod", "file.attr", sys(SYS_chmod, str(at("attr_file")), 0640), at("attr_file"));
  expect("fchmod", "file.attr", sys(SYS_fchmod, fd, 0644), at("attr_file"));
  expect("fchmodat", "file.attr", sys(SYS_fchmodat, dirfd, str(std::string("attr_file")), 0600),
         at("attr_file"));
  expect("fchmodat2", "file.attr",
         sys(kSysFchmodat2, dirfd, str(std::string("attr_file")), 0640, AT_SYMLINK_NOFOLLOW),
         at("attr_file"));
  expect("chown", "file.attr", sys(SYS_chown, str(at("attr_file")), 0, 0), at("attr_file"));
  expect("fchown", "file.attr", sys(SYS_fchown, fd, 0, 0), at("attr_file"));
  expect("lchown", "file.attr", sys(SYS_lchown, str(at("sym_new")), 0, 0), at("sym_new"));
  expect("fchownat", "file.attr",
         sys(SYS_fchownat, dirfd, str(std::string("attr_file")), 0, 0, 0), at("attr_file"));
  const char value[] = "v";
  std::string user_attr = "user.c2audit";
  long name = str(user_attr);
  expect("setxattr", "file.attr",
         sys(SYS_setxattr, str(at("attr_file")), name, reinterpret_cast<long>(value), 1, 0),
         at("attr_file"));
  expect("lsetxattr", "file.attr",
         sys(SYS_lsetxattr, str(at("attr_file")), name, reinterpret_cast<long>(value), 1, 0),
         at("attr_file"));
  expect("fsetxattr", "file.attr",
         sys(SYS_fsetxattr, fd, name, reinterpret_cast<long>(value), 1, 0), at("attr_file"));
  expect("removexattr", "file.attr", sys(SYS_removexattr, str(at("attr_file")), name),
         at("attr_file"));
  expect("lremovexattr", "file.attr", sys(SYS_lremovexattr, str(at("attr_file")), name),
         at("attr_file"));
  expect("fremovexattr", "file.attr", sys(SYS_fremovexattr, fd, name), at("attr_file"));
  // chattr +A: the attribute flags as FS_IOC_SETFLAGS sets them. Reading
  // them (FS_IOC_GETFLAGS) is an ioctl no objective can select.
  int flags = 0;
  sys(SYS_ioctl, fd, FS_IOC_GETFLAGS, reinterpret_cast<long>(&flags));
  flags |= FS_NOATIME_FL;
  expect("ioctl", "file.attr", sys(SYS_ioctl, fd, FS_IOC_SETFLAGS, reinterpret_cast<long>(&flags)),
         at("attr_file"));
  ::close(fd);
}

void execs() {
  in_child([] {
    char* argv[] = {const_cast<char*>("true"), const_cast<char*>("--c2audit-arg"), nullptr};
    // Expectation first: a successful exec never returns.
    errno = 0;
    expect("execve", "process.exec", 0, "/usr/bin/true");
    syscall(SYS_execve, "/usr/bin/true", argv, environ);
    _exit(127);
  });
  in_child([] {
    char* argv[] = {const_cast<char*>("missing"), nullptr};
    long r = syscall(SYS_execve, at("no_such_program").c_str(), argv, environ);
    expect("execve", "process.exec", r, at("no_such_program"));
  });
  in_child([] {
    char* argv[] = {const_cast<char*>("true"), nullptr};
    int dir = ::open("/usr/bin", O_RDONLY | O_DIRECTORY);
    errno = 0;
    expect("execveat", "process.exec", 0, "/usr/bin/true");
    syscall(SYS_execveat, dir, "true", argv, environ, 0);
    _exit(127);
  });
}

void privileges() {
  in_child([] {
    expect("setresgid", "priv.change", sys(SYS_setresgid, 0, 0, 0), "");
    expect("setregid", "priv.change", sys(SYS_setregid, 0, 0), "");
    expect("setgid", "priv.change", sys(SYS_setgid, 0), "");
    expect("setfsgid", "priv.change", sys(SYS_setfsgid, 0), "");
    expect("setfsuid", "priv.change", sys(SYS_setfsuid, 0), "");
    gid_t groups[] = {0};
    expect("setgroups", "priv.change", sys(SYS_setgroups, 1, reinterpret_cast<long>(groups)), "");
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    syscall(SYS_capget, &header, data);
    expect("capset", "priv.change",
           sys(SYS_capset, reinterpret_cast<long>(&header), reinterpret_cast<long>(data)), "");
    expect("setreuid", "priv.change", sys(SYS_setreuid, 0, 0), "");
    expect("setuid", "priv.change", sys(SYS_setuid, 0), "");
    expect("setresuid", "priv.change", sys(SYS_setresuid, 0, kOtherUid, 0), "");
  });
}

int bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return ss.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port)
                                 : ntohs(reinterpret_cast<sockaddr_in6&>(ss).sin6_port);
}

void network_inet() {
  int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  expect("bind", "net.bind",
         sys(SYS_bind, server, reinterpret_cast<long>(&addr), sizeof(addr)), "", "", "127.0.0.1", 0);
  expect("listen", "net.bind", sys(SYS_listen, server, 4), "", "", "127.0.0.1",
         bound_port(server));
  addr.sin_port = htons(bound_port(server));
  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  expect("connect", "net.connect",
         sys(SYS_connect, client, reinterpret_cast<long>(&addr), sizeof(addr)), "", "",
         "127.0.0.1", ntohs(addr.sin_port));
  sockaddr_in peer{};
  socklen_t peer_len = sizeof(peer);
  long conn = sys(SYS_accept4, server, reinterpret_cast<long>(&peer),
                  reinterpret_cast<long>(&peer_len), SOCK_CLOEXEC);
  expect("accept4", "net.accept", conn, "", "", "127.0.0.1", bound_port(client));
  ::close(conn);
  ::close(client);
  ::close(server);
}

void network_other() {
  int server = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 addr6{};
  addr6.sin6_family = AF_INET6;
  addr6.sin6_addr = in6addr_loopback;
  expect("bind", "net.bind", sys(SYS_bind, server, reinterpret_cast<long>(&addr6), sizeof(addr6)),
         "", "", "::1", 0);
  expect("listen", "net.bind", sys(SYS_listen, server, 4), "", "", "::1", bound_port(server));
  int client = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  addr6.sin6_port = htons(bound_port(server));
  expect("connect", "net.connect",
         sys(SYS_connect, client, reinterpret_cast<long>(&addr6), sizeof(addr6)), "", "", "::1",
         bound_port(server));
  long conn = sys(SYS_accept, server, 0, 0);
  expect("accept", "net.accept", conn, "", "", "::1", bound_port(client));
  ::close(conn);
  ::close(client);
  ::close(server);

  int unix_server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::snprintf(un.sun_path, sizeof(un.sun_path), "%s", at("unix.sock").c_str());
  expect("bind", "net.bind", sys(SYS_bind, unix_server, reinterpret_cast<long>(&un), sizeof(un)),
         "", "", at("unix.sock"));
  expect("listen", "net.bind", sys(SYS_listen, unix_server, 4), "", "", at("unix.sock"));
  int unix_client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  expect("connect", "net.connect",
         sys(SYS_connect, unix_client, reinterpret_cast<long>(&un), sizeof(un)), "", "",
         at("unix.sock"));
  ::close(unix_client);
  ::close(unix_server);
}

// A file reached by its handle, and an anonymous one: neither by a name.
void nameless_files(int dirfd) {
  make_file(at("by_handle"));
  std::vector<char> storage(sizeof(file_handle) + MAX_HANDLE_SZ);
  auto* handle = reinterpret_cast<file_handle*>(storage.data());
  handle->handle_bytes = MAX_HANDLE_SZ;
  int mount_id = 0;
  bool named = name_to_handle_at(AT_FDCWD, at("by_handle").c_str(), handle, &mount_id, 0) == 0;
  long fd = sys(SYS_open_by_handle_at, dirfd, reinterpret_cast<long>(handle), O_RDONLY);
  expect("open_by_handle_at", "file.read", fd, named && fd >= 0 ? at("by_handle") : "");
  ::close(static_cast<int>(fd));
  long memfd = sys(SYS_memfd_create, str(std::string("c2audit-memfd")), 0);
  expect("memfd_create", "file.create", memfd, memfd >= 0 ? "memfd:c2audit-memfd" : "");
  ::close(static_cast<int>(memfd));
}

// The mount API, swap and kexec, each done harmlessly: on a tmpfs of our
// own, a file that is no swap area, flags no kernel knows (refused before
// anything happens).
void kernel_state() {
  in_child([] {
    ::mkdir(at("tree").c_str(), 0755);
    ::mkdir(at("tree_moved").c_str(), 0755);
    ::mount("c2audit-tree", at("tree").c_str(), "tmpfs", 0, nullptr);
    long tree = sys(SYS_open_tree, AT_FDCWD, str(at("tree")), OPEN_TREE_CLOEXEC);
    expect("open_tree", "admin.mount", tree, at("tree"));
    ::close(static_cast<int>(tree));
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_NOSUID;
    expect("mount_setattr", "admin.mount",
           sys(SYS_mount_setattr, AT_FDCWD, str(at("tree")), 0, reinterpret_cast<long>(&attr),
               sizeof(attr)),
           at("tree"));
    long moved = sys(SYS_move_mount, AT_FDCWD, str(at("tree")), AT_FDCWD, str(at("tree_moved")), 0);
    expect("move_mount", "admin.mount", moved, at("tree_moved"), at("tree"));
    ::umount2(at(moved == 0 ? "tree_moved" : "tree").c_str(), MNT_DETACH);
  });
  make_file(at("not_swap"));
  expect("swapon", "admin.mount", sys(SYS_swapon, str(at("not_swap")), 0), at("not_swap"));
  expect("swapoff", "admin.mount", sys(SYS_swapoff, str(at("not_swap"))), at("not_swap"));
  constexpr long kNoSuchFlags = 0x7fff0000;
  expect("kexec_load", "admin.module", sys(SYS_kexec_load, 0, 0, 0, kNoSuchFlags), "");
  expect("kexec_file_load", "admin.module",
         sys(SYS_kexec_file_load, -1, -1, 0, str(std::string("")), kNoSuchFlags), "");
  in_child([] {
    expect("unshare", "priv.change", sys(SYS_unshare, 0), "");
    expect("setns", "priv.change", sys(SYS_setns, -1, 0), "");
  });
}

void administration() {
  ::mkdir(at("mnt").c_str(), 0755);
  expect("mount", "admin.mount",
         sys(SYS_mount, str(std::string("c2audit-tmpfs")), str(at("mnt")), str(std::string("tmpfs")),
             0, 0),
         at("mnt"), "c2audit-tmpfs");
  expect("umount2", "admin.mount", sys(SYS_umount2, str(at("mnt")), 0), at("mnt"));
  utsname uts{};
  uname(&uts);
  expect("sethostname", "admin.host",
         sys(SYS_sethostname, reinterpret_cast<long>(uts.nodename), strlen(uts.nodename)), "");
  expect("setdomainname", "admin.host",
         sys(SYS_setdomainname, reinterpret_cast<long>(uts.domainname), strlen(uts.domainname)),
         "");
  expect("settimeofday", "admin.time", sys(SYS_settimeofday, 0, 0), "");
  timespec ts{};
  expect("clock_settime", "admin.time",
         sys(SYS_clock_settime, 4242, reinterpret_cast<long>(&ts)), "");
  timex tx{};
  expect("adjtimex", "admin.time", sys(SYS_adjtimex, reinterpret_cast<long>(&tx)), "");
  expect("clock_adjtime", "admin.time",
         sys(SYS_clock_adjtime, 4242, reinterpret_cast<long>(&tx)), "");
  expect("reboot", "admin.reboot", sys(SYS_reboot, 0, 0, 0, 0), "");  // bad magic: EINVAL
  expect("init_module", "admin.module", sys(SYS_init_module, 0, 0, str(std::string(""))), "");
  int not_a_module = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  expect("finit_module", "admin.module",
         sys(SYS_finit_module, not_a_module, str(std::string("")), 0), "/dev/null");
  ::close(not_a_module);
  expect("delete_module", "admin.module",
         sys(SYS_delete_module, str(std::string("c2audit_no_such_module")), O_NONBLOCK), "");
  expect("ptrace", "admin.ptrace", sys(SYS_ptrace, PTRACE_PEEKDATA, 0x7ffffff0, 0, 0), "");
  ::mkdir(at("jail").c_str(), 0755);
  in_child([] { expect("chroot", "admin.mount", sys(SYS_chroot, str(at("jail"))), at("jail")); });
}

// Signals the workload sends itself: probes (signal 0), which deliver nothing,
// and queued ones without their siginfo (EFAULT).
void signals() {
  expect("kill", "process.signal", sys(SYS_kill, getpid(), 0), "");
  expect("tkill", "process.signal", sys(SYS_tkill, gettid(), 0), "");
  expect("tgkill", "process.signal", sys(SYS_tgkill, getpid(), gettid(), 0), "");
  expect("rt_sigqueueinfo", "process.signal", sys(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, 0), "");
  expect("rt_tgsigqueueinfo", "process.signal",
         sys(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGUSR1, 0), "");
  long pidfd = sys(SYS_pidfd_open, getpid(), 0);
  expect("pidfd_send_signal", "process.signal", sys(SYS_pidfd_send_signal, pidfd, 0, 0, 0), "");
  ::close(static_cast<int>(pidfd));
}

// Operations by an unprivileged user: some denied, some allowed.
void as_other_user() {
  make_file(at("root_only"), 0600);
  make_file(at("world_readable"), 0644);
  ::mkdir(at("open_dir").c_str(), 0777);
  ::chmod(at("open_dir").c_str(), 0777);
  in_child([] {
    if (setresgid(kOtherUid, kOtherUid, kOtherUid) != 0 ||
        setresuid(kOtherUid, kOtherUid, kOtherUid) != 0) {
      std::perror("c2audit-workload: setresuid");
      _exit(1);
    }
    long fd = sys(SYS_openat, AT_FDCWD, str(at("root_only")), O_RDONLY);
    expect("openat", "file.read", fd, at("root_only"));
    fd = sys(SYS_openat, AT_FDCWD, str(at("world_readable")), O_RDONLY);
    expect("openat", "file.read", fd, at("world_readable"));
    ::close(fd);
    expect("mkdir", "file.create", sys(SYS_mkdir, str(at("denied_dir")), 0755), at("denied_dir"));
    expect("mkdir", "file.create", sys(SYS_mkdir, str(at("open_dir/nobody_dir")), 0755),
           at("open_dir/nobody_dir"));
    expect("setuid", "priv.change", sys(SYS_setuid, 0), "");
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || argv[1][0] != '/') {
    std::fprintf(stderr, "usage: c2audit-workload /absolute/work/dir\n");
    return 2;
  }
  g_dir = argv[1];
  if (::mkdir(g_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    std::perror(g_dir.c_str());
    return 1;
  }
  ::chmod(g_dir.c_str(), 0755);
  if (chdir(g_dir.c_str()) != 0) return 1;
  ::mkdir("sub", 0755);
  int dirfd = ::open(g_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  opens(dirfd);
  file_changes(dirfd);
  renames_and_links(dirfd);
  attributes(dirfd);
  execs();
  privileges();
  network_inet();
  network_other();
  administration();
  signals();
  nameless_files(dirfd);
  kernel_state();
  as_other_user();
  ::close(dirfd);
  return 0;
}
