#include "common/thread_stat.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace c2audit {
namespace {

// The throttle pins the consumer where /proc says it runs: the CPU must be
// field 39, not a neighbour (field 38, exit_signal, is 17 for every thread).
TEST(ThreadStat, NamesTheCallingThreadsStateAndCpu) {
  cpu_set_t before;
  ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof before, &before), 0);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &before)) continue;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
    auto stat = read_thread_stat(gettid());
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->state, 'R');
    EXPECT_EQ(stat->cpu, cpu);
  }
  pthread_setaffinity_np(pthread_self(), sizeof before, &before);
}

TEST(ThreadStat, NoSuchThreadIsNullopt) { EXPECT_FALSE(read_thread_stat(0x7ffffff0)); }

}  // namespace
}  // namespace c2audit
