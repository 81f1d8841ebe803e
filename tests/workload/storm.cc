// c2audit-storm: calls fremovexattr(2) on one file a given number of times as
// fast as it can, and prints {"pid": P, "calls": N}. No other process calls it
// in practice, so a daemon told to report only fremovexattr sees exactly this
// storm: the loss test compares what was recorded and lost against N.
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: c2audit-storm FILE CALLS\n");
    return 2;
  }
  int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::perror("c2audit-storm: open");
    return 1;
  }
  unsigned long calls = std::strtoul(argv[2], nullptr, 10);
  for (unsigned long i = 0; i < calls; ++i) {
    // Fails with ENODATA: the attribute never exists. Audited all the same.
    ::fremovexattr(fd, "user.c2audit-storm-absent");
  }
  ::close(fd);
  std::printf("{\"pid\": %d, \"calls\": %lu}\n", getpid(), calls);
  return 0;
}
