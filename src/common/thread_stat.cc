#include "common/thread_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/file_descriptor.h"

namespace c2audit {
namespace {

// proc(5): field 2 is the command name in parentheses (it may hold spaces and
// ')'), field 3 the state, field 39 the processor.
constexpr int kStateField = 3;
constexpr int kProcessorField = 39;

}  // namespace

std::optional<ThreadStat> read_thread_stat(pid_t tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/stat", static_cast<int>(tid));
  FileDescriptor fd(::open(path, O_RDONLY | O_CLOEXEC));
  char stat[1024];
  ssize_t n = fd.valid() ? ::read(fd.get(), stat, sizeof stat - 1) : -1;
  if (n <= 0) return std::nullopt;
  stat[n] = '\0';
  const char* name_end = std::strrchr(stat, ')');
  if (!name_end || name_end[1] != ' ') return std::nullopt;
  ThreadStat out;
  const char* field = name_end + 2;  // the state
  out.state = *field;
  for (int f = kStateField; f < kProcessorField && field; ++f) {
    field = std::strchr(field, ' ');
    if (field) ++field;
  }
  if (!field) return std::nullopt;
  out.cpu = std::atoi(field);
  return out;
}

}  // namespace c2audit
