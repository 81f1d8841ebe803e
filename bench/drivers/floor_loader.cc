// c2audit-bench-floor: attaches the do-nothing floor programs and keeps them
// attached until SIGTERM/SIGINT. Prints "ready" once attached, so the bench
// starts the workload only when the programs really run.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "bench_floor.skel.h"

namespace {

volatile sig_atomic_t g_stop = 0;

void on_stop(int) { g_stop = 1; }

}  // namespace

int main() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  std::unique_ptr<struct bench_floor, void (*)(struct bench_floor*)> skel(
      bench_floor::open_and_load(), bench_floor::destroy);
  if (!skel) {
    std::perror("c2audit-bench-floor: loading");
    return 1;
  }
  if (bench_floor::attach(skel.get()) != 0) {
    std::perror("c2audit-bench-floor: attaching");
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  while (!g_stop) pause();
  return 0;  // the skeleton detaches and frees on destruction
}
