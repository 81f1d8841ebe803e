// LossMonitor over a real per-CPU BPF map laid out as the sensor's `losses`
// (written here from user space, as the sensor writes it from each CPU): one
// report per CPU whose count grew, by how much, and the window from the
// previous check to the latest loss; nothing when no count grew.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <vector>

#include "common/clock.h"
#include "common/file_descriptor.h"
#include "harness.h"
#include "sensor/loss_monitor.h"

namespace c2audit::test {
namespace {

TEST(LossMonitorTest, ReportsEachCpuWhoseCountGrewByHowMuchAndWhen) {
  C2AUDIT_REQUIRE_ROOT();
  FileDescriptor map(bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "test_losses", sizeof(uint32_t),
                                    sizeof(c2a_loss), 1, nullptr));
  ASSERT_TRUE(map.valid()) << "errno " << errno;
  int cpus = libbpf_num_possible_cpus();
  ASSERT_GE(cpus, 1);
  std::vector<c2a_loss> counters(static_cast<size_t>(cpus));
  uint32_t key = 0;
  auto write = [&] { ASSERT_EQ(bpf_map_update_elem(map.get(), &key, counters.data(), BPF_ANY), 0); };

  uint64_t started = boottime_ns();
  LossMonitor monitor(map.get());
  auto none = monitor.check();
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());

  uint64_t first_loss = boottime_ns();
  counters[0] = {.count = 5, .last_ns = first_loss};
  write();
  auto first = monitor.check();
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].cpu, 0u);
  EXPECT_EQ((*first)[0].count, 5u);
  EXPECT_GE((*first)[0].window_start_boot_ns, started);  // the previous check
  EXPECT_LE((*first)[0].window_start_boot_ns, first_loss);
  EXPECT_EQ((*first)[0].window_end_boot_ns, first_loss);

  auto unchanged = monitor.check();  // the same counts again: nothing new
  ASSERT_TRUE(unchanged);
  EXPECT_TRUE(unchanged->empty());

  uint32_t last_cpu = static_cast<uint32_t>(cpus - 1);
  counters[0] = {.count = 7, .last_ns = boottime_ns()};
  counters[last_cpu].count += 3;
  counters[last_cpu].last_ns = boottime_ns();
  write();
  auto second = monitor.check();
  ASSERT_TRUE(second);
  uint64_t reported = 0;
  for (const auto& r : *second) {
    reported += r.count;
    EXPECT_LE(r.window_start_boot_ns, r.window_end_boot_ns);
  }
  EXPECT_EQ(second->size(), cpus > 1 ? 2u : 1u);
  EXPECT_EQ(reported, 5u);  // 2 more on CPU 0, 3 on the last
  EXPECT_EQ(monitor.total(), 10u);
}

TEST(LossMonitorTest, AMapItCannotReadIsAnError) {
  LossMonitor monitor(-1);
  auto checked = monitor.check();
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("reading loss counters"), std::string::npos);
}

}  // namespace
}  // namespace c2audit::test
