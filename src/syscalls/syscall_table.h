// The system calls c2audit covers: name, number, event class and the roles of
// their arguments, which the BPF sensor reads through c2a_syscall_spec.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "c2audit/wire.h"

namespace c2audit {

// How the class of an event is decided.
enum class ClassRule : uint8_t {
  fixed,      // always SyscallInfo::event_class
  open_flags, // file.create with O_CREAT, file.write with write access or O_TRUNC, else file.read
};

// What a call's second name (NAME2) is.
enum class Name2 : uint8_t {
  path,     // a file, resolved like the first (rename's new name)
  literal,  // data recorded as given in path2: a symlink's target, a mount's source
  xattr,    // an extended attribute's name: the record's xattr
  module,   // a kernel module's name (delete_module): the record's module
};

// What a time call's struct argument is (SyscallInfo::time_arg).
enum class TimeArg : uint8_t { none, timespec, timeval, timex };

struct SyscallInfo {
  std::string_view name;
  uint32_t nr;
  std::string_view event_class;  // for ClassRule::fixed
  ClassRule class_rule;
  c2a_syscall_spec spec;         // argument roles; spec.flags without C2A_SPEC_AUDIT
  Name2 name2 = Name2::path;     // what NAME2 is, when spec.name2_arg names one
  // An ioctl: the requests recorded (the kernel selects no other); zero: not one.
  std::array<uint32_t, C2A_IOCTL_REQUESTS> ioctl_requests{};
  uint8_t mode_arg = C2A_ARG_NONE;  // the argument holding the file mode it sets (chmod)
  uint8_t target_arg = C2A_ARG_NONE;  // the pid of the process it acts on (kill, ptrace)
  uint8_t signal_arg = C2A_ARG_NONE;  // the signal it sends
  TimeArg time_arg = TimeArg::none;   // the time it sets, in spec.sockaddr_arg (x86-64 layout)
  uint8_t clock_arg = C2A_ARG_NONE;   // the clock it sets (clock_settime, clock_adjtime)
};

// Every covered syscall, in a stable order.
std::span<const SyscallInfo> covered_syscalls();

// Lookup by number / name; nullptr when not covered.
const SyscallInfo* find_syscall(uint32_t nr);
const SyscallInfo* find_syscall(std::string_view name);

// Whether the call's record has an fd's object (an opened file, an fd
// argument): the only records with its identity, type and owner.
bool has_fd_object(const SyscallInfo& info);

// Whether the call's record has a socket address (and so its family).
bool has_address(const SyscallInfo& info);

// The event class of one occurrence (open flags decide for opens).
std::string_view event_class_of(const SyscallInfo& info, uint64_t open_flags);

}  // namespace c2audit
