// The 32-bit (ia32) system calls c2audit covers: a 64-bit kernel also runs
// 32-bit programs and int 0x80 from 64-bit ones, with a table of its own.
// Each is recorded as the covered x86-64 call it does the same as (chown32
// and the 16-bit chown are "chown"), so objectives name one call for both
// ABIs; the record keeps the ia32 number and says arch "i386".
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "syscalls/syscall_table.h"

namespace c2audit {

struct Ia32Syscall {
  uint32_t nr;              // in the ia32 table (asm/unistd_32.h)
  std::string_view name;    // its own name there
  const SyscallInfo* info;  // the covered call it is recorded as
  bool via_socketcall;      // socketcall(2) carries it too (the sensor unfolds it)
};

// Every covered ia32 call, by number.
std::span<const Ia32Syscall> ia32_syscalls();

// The covered call an ia32 number stands for; nullptr when not covered.
const SyscallInfo* find_ia32_syscall(uint32_t nr);

}  // namespace c2audit
