// What `c2audit doctor` checks: can this host run c2auditd, and does it.
// Each check gives a verdict, what it found, and what to do when the
// verdict is not ok.
#pragma once

#include <string>
#include <vector>

namespace c2audit::cli {

enum class Verdict { ok, warn, fail };

struct Check {
  std::string name;  // "kernel BTF"
  Verdict verdict = Verdict::ok;
  std::string found;   // what the check saw
  std::string advice;  // what to do; empty when ok
};

struct DoctorPaths {
  std::string trail, key_file, control_socket;
};

// The kernel: privilege, BTF, ring buffers, lockdown, the sensor itself
// (loaded and attached for a moment), kernel audit.
std::vector<Check> check_kernel();

// The trail directory (owner, mode, free space) and the host key.
std::vector<Check> check_storage(const DoctorPaths& paths);

// The running daemon, over its control socket.
Check check_daemon(const DoctorPaths& paths);

const char* verdict_name(Verdict verdict);

}  // namespace c2audit::cli
