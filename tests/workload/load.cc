// c2audit-load: steady load for the objective tests, counting what it does.
//   c2audit-load opens PATH N [MS] N open+close of PATH, pausing MS ms after each
//                                  thousand (to last a while); prints {"pid","opens"}
//   c2audit-load execs N           N fork+exec of /bin/true; prints {"pid","execs"}
//   c2audit-load as UID CMD ARG..  sets login uid and uid to UID, then runs CMD
//                                  (a session of that user, whatever ours is)
#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr unsigned long kBatch = 1000;

int opens(const char* path, unsigned long n, unsigned long pause_ms) {
  unsigned long done = 0;
  for (unsigned long i = 0; i < n; ++i) {
    if (pause_ms && i % kBatch == kBatch - 1) ::usleep(pause_ms * 1000);
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::perror(path);
      return 1;
    }
    ::close(fd);
    ++done;
  }
  std::printf("{\"pid\": %d, \"opens\": %lu}\n", getpid(), done);
  return 0;
}

int execs(unsigned long n) {
  unsigned long done = 0;
  for (unsigned long i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/true", "true", static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ++done;
  }
  std::printf("{\"pid\": %d, \"execs\": %lu}\n", getpid(), done);
  return 0;
}

int run_as(uid_t uid, char** argv) {
  std::string id = std::to_string(uid);
  int fd = ::open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ::write(fd, id.data(), id.size()) != static_cast<ssize_t>(id.size())) {
    std::perror("c2audit-load: /proc/self/loginuid");
    return 1;
  }
  ::close(fd);
  if (setgroups(0, nullptr) != 0 || setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0) {
    std::perror("c2audit-load: dropping to uid");
    return 1;
  }
  execv(argv[0], argv);
  std::perror(argv[0]);
  return 127;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "opens" && (argc == 4 || argc == 5)) {
    unsigned long pause_ms = argc == 5 ? std::strtoul(argv[4], nullptr, 10) : 0;
    return opens(argv[2], std::strtoul(argv[3], nullptr, 10), pause_ms);
  }
  if (mode == "execs" && argc == 3) return execs(std::strtoul(argv[2], nullptr, 10));
  if (mode == "as" && argc >= 4) return run_as(std::strtoul(argv[2], nullptr, 10), argv + 3);
  std::fprintf(stderr, "usage: c2audit-load opens PATH N [MS] | execs N | as UID CMD [ARG...]\n");
  return 2;
}
