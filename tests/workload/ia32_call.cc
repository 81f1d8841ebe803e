// c2audit-ia32-call: makes one 32-bit system call through int 0x80 from this
// 64-bit process: swapon(PATH, 0), number 87 in the ia32 table, the number
// of unlink in the x86-64 one. A sensor that judged it by the 64-bit table
// would record an unlink of PATH that never happened. Prints
// {"pid": P, "ret": R}.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace {
constexpr long kIa32Swapon = 87;
}

int main(int argc, char** argv) {
  if (argc != 2 || std::strlen(argv[1]) >= 4096) {
    std::fprintf(stderr, "usage: c2audit-ia32-call PATH\n");
    return 2;
  }
  // int 0x80 takes 32-bit pointers: the path must lie below 4 GiB.
  void* low = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                     -1, 0);
  if (low == MAP_FAILED) {
    std::perror("c2audit-ia32-call: mmap");
    return 1;
  }
  std::strcpy(static_cast<char*>(low), argv[1]);
  long ret = 0;
#if defined(__x86_64__)
  asm volatile("int $0x80" : "=a"(ret) : "a"(kIa32Swapon), "b"(low), "c"(0) : "memory");
#else
  std::fprintf(stderr, "c2audit-ia32-call: x86-64 only\n");
  return 1;
#endif
  std::printf("{\"pid\": %d, \"ret\": %ld}\n", getpid(), ret);
  return 0;
}
