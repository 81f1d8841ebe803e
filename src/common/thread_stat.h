// What /proc says of one thread of this process: its scheduler state and the
// CPU it last ran on. The throttle asks it of the consumer thread.
#pragma once

#include <sys/types.h>

#include <optional>

namespace c2audit {

struct ThreadStat {
  char state = 0;  // 'R' running or runnable, 'S' asleep, 'D' in I/O, ...
  int cpu = -1;    // the CPU it last ran on
};

// Reads /proc/self/task/TID/stat; nullopt when it cannot be read or parsed.
std::optional<ThreadStat> read_thread_stat(pid_t tid);

}  // namespace c2audit
