// c2audit-ia32-call: makes one 32-bit system call through int 0x80 from this
// 64-bit process, as a 32-bit program would, and prints {"pid": P, "ret": R}
// (for execve, before the call: on success it does not return).
//
//   swapon PATH       swapon(PATH, 0): ia32 87, the number of unlink in the
//                     x86-64 table; read by that table it would forge an
//                     unlink of PATH that never happened
//   open PATH         open(PATH, O_RDONLY)               ia32 5
//   openat PATH       openat(AT_FDCWD, PATH, O_RDONLY)   ia32 295
//   unlink PATH       unlink(PATH)                       ia32 10
//   connect PORT      socketcall(SYS_CONNECT, {fd, 127.0.0.1:PORT, len})  ia32 102
//   listen -          socketcall(SYS_LISTEN, {fd, 1}), its two words the last
//                     of a page the next of which is unmapped (valid: the
//                     kernel reads two words for listen)
//   execve PATH ARG.. execve(PATH, {ARG.., NULL}, {NULL}) ia32 11
//   chattr PATH BITS  ioctl(fd of PATH, FS_IOC32_SETFLAGS, &(its flags | BITS))
//                     ia32 54, as a 32-bit chattr does
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr long kSwapon = 87, kOpen = 5, kOpenat = 295, kUnlink = 10, kSocketcall = 102,
               kExecve = 11, kIoctl = 54;
constexpr size_t kLowBytes = 1 << 16;

// int 0x80 takes 32-bit pointers: everything it is handed lies below 4 GiB.
class LowMemory {
 public:
  LowMemory()
      : base_(static_cast<char*>(::mmap(nullptr, kLowBytes, PROT_READ | PROT_WRITE,
                                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0))) {}
  bool ok() const { return base_ != MAP_FAILED; }
  // Copies `size` bytes in and returns their 32-bit address.
  uint32_t put(const void* data, size_t size) {
    if (used_ + size > kLowBytes) std::abort();
    std::memcpy(base_ + used_, data, size);
    auto address = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(base_ + used_));
    used_ += (size + 7) & ~size_t{7};
    return address;
  }
  uint32_t put(std::string_view text) {
    std::string copy(text);
    return put(copy.c_str(), copy.size() + 1);
  }

 private:
  char* base_;
  size_t used_ = 0;
};

long int80(long nr, long a = 0, long b = 0, long c = 0) {
  long ret = nr;
  asm volatile("int $0x80" : "+a"(ret) : "b"(a), "c"(b), "d"(c) : "memory");
  return ret;
}

void print_result(long ret) {
  std::printf("{\"pid\": %d, \"ret\": %ld}\n", getpid(), ret);
  std::fflush(stdout);
}

int usage() {
  std::fprintf(stderr,
               "usage: c2audit-ia32-call swapon|open|openat|unlink PATH | connect PORT |"
               " listen - | execve PATH ARG... | chattr PATH BITS\n");
  return 2;
}

long connect_through_socketcall(LowMemory& low, const char* port_text) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(std::atoi(port_text)));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uint32_t args[3] = {static_cast<uint32_t>(fd), low.put(&to, sizeof(to)), sizeof(to)};
  return int80(kSocketcall, SYS_CONNECT, low.put(args, sizeof(args)));
}

long listen_at_page_end() {
  long page = ::sysconf(_SC_PAGESIZE);
  void* pages = ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (pages == MAP_FAILED) std::abort();
  ::munmap(static_cast<char*>(pages) + page, page);
  auto* args = reinterpret_cast<uint32_t*>(static_cast<char*>(pages) + page - 8);
  args[0] = static_cast<uint32_t>(::socket(AF_INET, SOCK_STREAM, 0));
  args[1] = 1;  // backlog
  return int80(kSocketcall, SYS_LISTEN, static_cast<long>(reinterpret_cast<uintptr_t>(args)));
}

long chattr_32(LowMemory& low, const char* path, const char* bits) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  uint32_t flags = 0;
  if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) return -errno;
  flags |= static_cast<uint32_t>(std::strtoul(bits, nullptr, 0));
  return int80(kIoctl, fd, FS_IOC32_SETFLAGS, low.put(&flags, sizeof(flags)));
}

long execve_32(LowMemory& low, int argc, char** argv) {
  uint32_t pointers[33] = {};
  for (int i = 0; i < argc && i < 32; ++i) pointers[i] = low.put(argv[i]);
  uint32_t no_env = 0;
  uint32_t path = low.put(argv[0]);
  print_result(0);  // the pid, before the image is replaced
  return int80(kExecve, path, low.put(pointers, sizeof(pointers)), low.put(&no_env, 4));
}

}  // namespace

int main(int argc, char** argv) {
#if !defined(__x86_64__)
  std::fprintf(stderr, "c2audit-ia32-call: x86-64 only\n");
  return 1;
#else
  if (argc < 3 || std::strlen(argv[2]) >= 4096) return usage();
  LowMemory low;
  if (!low.ok()) {
    std::perror("c2audit-ia32-call: mmap");
    return 1;
  }
  std::string_view call = argv[1];
  const char* arg = argv[2];
  long ret = 0;
  if (call == "swapon") {
    ret = int80(kSwapon, low.put(arg), 0);
  } else if (call == "open") {
    ret = int80(kOpen, low.put(arg), O_RDONLY);
  } else if (call == "openat") {
    ret = int80(kOpenat, AT_FDCWD, low.put(arg), O_RDONLY);
  } else if (call == "unlink") {
    ret = int80(kUnlink, low.put(arg));
  } else if (call == "connect") {
    ret = connect_through_socketcall(low, arg);
  } else if (call == "listen") {
    ret = listen_at_page_end();
  } else if (call == "chattr" && argc == 4) {
    ret = chattr_32(low, arg, argv[3]);
  } else if (call == "execve") {
    ret = execve_32(low, argc - 2, argv + 2);
    std::fprintf(stderr, "c2audit-ia32-call: execve failed: %ld\n", ret);
    return 1;
  } else {
    return usage();
  }
  print_result(ret);
  return 0;
#endif
}
