// The ia32 table: every entry is recorded as a covered call, numbers are
// unique and fit the filter map.
#include "syscalls/ia32_syscall_table.h"

#include <set>

#include <gtest/gtest.h>

namespace c2audit {
namespace {

TEST(Ia32SyscallTable, EveryCallIsRecordedAsACoveredOne) {
  std::set<uint32_t> numbers;
  for (const auto& call : ia32_syscalls()) {
    ASSERT_NE(call.info, nullptr) << call.name;
    EXPECT_LT(call.nr, static_cast<uint32_t>(C2A_SYSCALL_SLOTS)) << call.name;
    EXPECT_TRUE(numbers.insert(call.nr).second) << "number used twice: " << call.name;
    EXPECT_NE(call.nr, static_cast<uint32_t>(C2A_IA32_SOCKETCALL)) << "socketcall is unfolded";
  }
}

TEST(Ia32SyscallTable, NumbersAreTheIa32Ones) {
  EXPECT_EQ(find_ia32_syscall(5)->name, "open");       // x86-64 5: fstat
  EXPECT_EQ(find_ia32_syscall(11)->name, "execve");    // x86-64 11: munmap
  EXPECT_EQ(find_ia32_syscall(212)->name, "chown");    // chown32
  EXPECT_EQ(find_ia32_syscall(362)->name, "connect");
  EXPECT_EQ(find_ia32_syscall(C2A_IA32_SOCKETCALL_ACCEPT)->name, "accept");
  EXPECT_EQ(find_ia32_syscall(87)->name, "swapon");  // x86-64 87: unlink
  EXPECT_EQ(find_ia32_syscall(2), nullptr);           // fork: not covered
}

}  // namespace
}  // namespace c2audit
