// AuditRecord: one entry of the audit trail, after enrichment. This is what the
// trail stores, what search filters, and what `--json` prints (field names in
// shared/DESIGN.md). Records the daemon writes about itself (`lost`, `config`,
// `daemon`) use the same type with kind set accordingly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace c2audit {

enum class RecordKind : uint8_t {
  syscall = 1,  // an audited system call
  lost = 2,     // events the kernel could not hand over (count, cpu, window)
  config = 3,   // policy loaded or rejected
  daemon = 4,   // daemon start, stop, gaps, storage actions
  user = 5,     // a kernel audit user message: a login, sudo, an account change
};

// "unset" value of auid/ses, as the kernel reports it ((uint32_t)-1).
inline constexpr uint32_t kUnsetId = 0xffffffffu;

// AuditRecord::target_pid and ::signal of a call that names neither.
inline constexpr int64_t kNoTarget = INT64_MIN;
inline constexpr uint32_t kNoSignal = 0xffffffffu;
// AuditRecord::new_time and ::clock of a call that sets no time.
inline constexpr int64_t kNoTime = INT64_MIN;
inline constexpr uint32_t kNoClock = 0xffffffffu;

// A device number as the kernel encodes it (AuditRecord::dev): major << 20 | minor.
inline constexpr unsigned kDeviceMinorBits = 20;
inline constexpr uint32_t kDeviceMinorMask = (1u << kDeviceMinorBits) - 1;

struct AuditRecord;
// The user a record is attributed to: auid, or uid when auid is unset.
uint32_t subject_id(const AuditRecord& rec);

struct AuditRecord {
  RecordKind kind = RecordKind::syscall;
  uint64_t seq = 0;      // assigned by the trail writer, strictly increasing
  int64_t time_ns = 0;   // nanoseconds since the Unix epoch, UTC

  // What happened.
  std::string event;        // syscall name, or "lost" / "config" / "daemon"
  std::string event_class;  // "file.read", "process.exec", ... (JSON: class)
  uint32_t syscall_nr = 0;  // in the table of its ABI (x86-64, or ia32 when ia32)
  bool ia32 = false;        // a 32-bit call (int 0x80, a 32-bit program). JSON: arch "i386", else "x86_64"
  bool io_uring = false;    // an io_uring operation doing what `event` does, not a system call
  bool success = true;      // JSON: result "success" / "failure"
  int64_t ret = 0;          // raw return value (negative errno on failure)
  std::string errno_name;   // "ENOENT" etc. on failure, else empty

  // Who, from where.
  uint32_t pid = 0, tid = 0, ppid = 0;
  uint32_t pgid = 0;        // process group: a shell's job
  uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
  uint32_t auid = kUnsetId, ses = kUnsetId;
  std::string user;         // name of auid, or of uid when auid is unset
  std::string comm, exe, tty;
  uint64_t cgroup_id = 0;

  // On what.
  std::string path, path2;            // absolute, normalized when resolved
  bool path_unresolved = false;       // path is the caller's string as given
  bool path2_unresolved = false;
  std::vector<std::string> argv;
  bool argv_truncated = false;
  std::string family;                 // the address's family: inet, inet6, unix, netlink, ...
  std::string addr;                   // peer/bound address: IPv4, IPv6, or unix path
  uint16_t port = 0;
  uint64_t flags = 0;                 // open flags / mode bits where relevant
  uint32_t mode = 0;                  // the mode chmod and its kin set (07777 bits)
  std::string xattr;                  // the extended attribute set or removed (security.capability)
  std::string module;                 // the kernel module delete_module removes
  uint32_t request = 0;               // an ioctl's request (FS_IOC_SETFLAGS): flags is what it sets
  // The file an fd refers to (an opened file, an fd argument), by identity:
  // inode 0 when the call has no such object. dev is the kernel's encoding
  // (major << 20 | minor); JSON "dev" is "major:minor".
  uint64_t inode = 0;
  uint32_t dev = 0;
  // That file's type and permission bits (st_mode) and its owner and group:
  // 0 and kUnsetId without one.
  uint32_t obj_mode = 0;
  uint32_t obj_uid = kUnsetId, obj_gid = kUnsetId;
  // A file an objective names, when that is what the object is but the call
  // reached it by another name (a hard link, a bind mount): judged by this
  // too. Empty otherwise.
  std::string watched_path;
  // The process a call acts on (kill and its kin, ptrace), as the caller
  // named it: a pid, or for kill -N a process group, 0 its own group, -1
  // every process it may signal. And the signal sent (0: only a probe).
  int64_t target_pid = kNoTarget;
  uint32_t signal = kNoSignal;
  // What a time call sets: the clock's new time (settimeofday,
  // clock_settime), the clock (clock_settime, clock_adjtime: 0 is
  // CLOCK_REALTIME), and what an adjtimex sets ("modes=0x1 offset=500").
  int64_t new_time = kNoTime;
  uint32_t clock = kNoClock;
  std::string adjustment;

  // kind == user: what the sending program (PAM, sudo, sshd, useradd) says.
  // The sender is in pid/uid/auid/ses/exe, its terminal in tty.
  std::string op;        // what it did: "PAM:authentication", "adding user"
  std::string account;   // the account acted on (acct=, or id= when unnamed)
  std::string service;   // the program's name: sshd, su, sudo, useradd
  std::string hostname;  // the remote host, as the sender names it
  std::string command;   // sudo: the command run

  // Why it was kept.
  std::string objective, criticality;

  // kind == lost: how many events and when.
  uint64_t lost_count = 0;
  uint32_t cpu = 0;
  int64_t window_start_ns = 0, window_end_ns = 0;

  // kind == config / daemon: a human-readable account.
  std::string message;

  bool operator==(const AuditRecord&) const = default;
};

inline uint32_t subject_id(const AuditRecord& rec) {
  return rec.auid != kUnsetId ? rec.auid : rec.uid;
}

}  // namespace c2audit
