#include "pipeline/event_decoder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "c2audit/wire.h"
#include "common/address_family.h"
#include "syscalls/ia32_syscall_table.h"
#include "pipeline/path_resolution.h"
#include "pipeline/time_arguments.h"
#include "record/record_fields.h"
#include "syscalls/syscall_table.h"

namespace c2audit {
namespace {

constexpr int64_t kMaxErrno = 4095;  // kernel returns -1..-4095 for errors
constexpr uint64_t kModeBits = 07777;  // what chmod sets: permissions, setuid, setgid, sticky

// The payload fields of one record, as views into the raw bytes. Plain
// offsets, filled by split_fields: an array of string_views would be zeroed
// first, which was a tenth of the decoder's time.
struct Fields {
  const char* payload;
  std::array<uint32_t, C2A_F_COUNT> start;
  const uint16_t* len;
  std::string_view operator[](int f) const { return {payload + start[f], len[f]}; }
};

Result<Fields> split_fields(const c2a_event& ev, std::span<const uint8_t> raw) {
  Fields fields;
  fields.payload = reinterpret_cast<const char*>(raw.data());
  fields.len = ev.len;
  uint32_t pos = sizeof(c2a_event);
  for (int f = 0; f < C2A_F_COUNT; ++f) {
    if (pos + ev.len[f] > raw.size()) {
      return fail(fmt::format("sensor record: field {} overruns the record", f));
    }
    fields.start[f] = pos;
    pos += ev.len[f];
  }
  return fields;
}

std::vector<std::string> split_argv(std::string_view blob) {
  std::vector<std::string> argv;
  while (!blob.empty()) {
    size_t end = blob.find('\0');
    argv.emplace_back(blob.substr(0, end));
    if (end == std::string_view::npos) break;
    blob.remove_prefix(end + 1);
  }
  return argv;
}

// An address family as kernel audit's saddr_fam names it; others by number.
std::string family_name(sa_family_t family) {
  if (auto name = address_family_name(family)) return std::string(*name);
  return std::to_string(family);
}

void decode_sockaddr(std::string_view raw, AuditRecord& rec) {
  sockaddr_storage ss{};
  std::memcpy(&ss, raw.data(), std::min(raw.size(), sizeof(ss)));
  if (raw.size() >= sizeof(ss.ss_family)) rec.family = family_name(ss.ss_family);
  char text[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET && raw.size() >= sizeof(sockaddr_in)) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(ss);
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
    rec.addr = text;
    rec.port = ntohs(in.sin_port);
  } else if (ss.ss_family == AF_INET6 && raw.size() >= sizeof(sockaddr_in6)) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(ss);
    inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
    rec.addr = text;
    rec.port = ntohs(in6.sin6_port);
  } else if (ss.ss_family == AF_UNIX && raw.size() > offsetof(sockaddr_un, sun_path)) {
    std::string_view path = raw.substr(offsetof(sockaddr_un, sun_path));
    if (!path.empty() && path.front() == '\0') {  // abstract namespace
      rec.addr = "@" + std::string(path.substr(1, path.find('\0', 1) - 1));
    } else {
      rec.addr = std::string(path.substr(0, path.find('\0')));
    }
  }
}

// path: the object itself when the kernel told us (an fd), else the name the
// caller gave, made absolute against its base dir.
void resolve_paths(const c2a_event& ev, const Fields& f, const SyscallInfo& info,
                   AuditRecord& rec) {
  if (!f[C2A_F_OBJ1].empty() && !(ev.status & C2A_ST_OBJ1_CUT)) {
    std::string_view object = f[C2A_F_OBJ1];  // "memfd:NAME" for a file in no tree
    if (object.starts_with('/')) {
      assign_normalized_path(rec.path, object);
    } else {
      rec.path.assign(object);
    }
  } else if (info.spec.name1_arg != C2A_ARG_NONE) {
    std::string_view dir = (ev.status & C2A_ST_DIR1_CUT) ? "" : f[C2A_F_DIR1];
    rec.path = absolute_path(f[C2A_F_NAME1], dir);
    if (rec.path.empty()) {
      rec.path = f[C2A_F_NAME1];
      rec.path_unresolved = true;
    }
  } else if (info.spec.fd_arg != C2A_ARG_NONE) {
    rec.path_unresolved = true;  // the fd was not a file we could name
  }
  if (info.spec.name2_arg == C2A_ARG_NONE) return;
  switch (info.name2) {
    case Name2::xattr:
      rec.xattr = f[C2A_F_NAME2];
      return;
    case Name2::module:
      rec.module = f[C2A_F_NAME2];
      return;
    case Name2::literal:
      rec.path2 = f[C2A_F_NAME2];
      return;
    case Name2::path:
      break;
  }
  std::string_view dir2 = (ev.status & C2A_ST_DIR2_CUT) ? "" : f[C2A_F_DIR2];
  rec.path2 = absolute_path(f[C2A_F_NAME2], dir2);
  if (rec.path2.empty()) {
    rec.path2 = f[C2A_F_NAME2];
    rec.path2_unresolved = true;
  }
}

// A successful exec's record is made in the new program, whose executable
// (EXE) is the file the kernel ran: symlinks and /bin on merged /usr
// resolved, a script's interpreter. When it is not the name the caller gave
// (path), it is path2, so that an objective on either name selects the exec.
// An exec by fd alone (fexecve, a memfd: AT_EMPTY_PATH) gave no name: the
// program is the path.
void name_the_program(const c2a_event& ev, AuditRecord& rec) {
  if (!rec.success || (ev.status & C2A_ST_EXE_CUT) || rec.exe.empty() || rec.exe == rec.path) return;
  if (rec.path.empty()) {
    rec.path = rec.exe;
    rec.path_unresolved = false;
  } else {
    rec.path2 = rec.exe;
  }
}

void fill_identity(const c2a_event& ev, AuditRecord& rec) {
  rec.pid = ev.pid;
  rec.tid = ev.tid;
  rec.ppid = ev.ppid;
  rec.pgid = ev.pgid;
  rec.uid = ev.uid;
  rec.euid = ev.euid;
  rec.gid = ev.gid;
  rec.egid = ev.egid;
  rec.auid = ev.auid;
  rec.ses = ev.ses;
  rec.cgroup_id = ev.cgroup_id;
  rec.comm.assign(ev.comm, strnlen(ev.comm, sizeof(ev.comm)));
  rec.tty.assign(ev.tty, strnlen(ev.tty, sizeof(ev.tty)));
}

// Readies `rec` for the next event without giving back its strings' buffers:
// the daemon decodes every event into one scratch record, and a fresh record
// per event would free and allocate each string every time (malloc/free were
// a fifth of the daemon's profile in an open storm). Field by field, inline:
// copy-assigning a record of defaults called out for each string, a tenth
// of the decoder's time. Each field's default is its absent value
// (record_fields_test checks).
struct ResetField {
  void operator()(const FieldSpec&, std::string& s) const { s.clear(); }
  void operator()(const FieldSpec&, std::vector<std::string>& argv) const { argv.clear(); }
  template <typename T>
  void operator()(const FieldSpec&, T& v, T absent) const {
    v = absent;
  }
};

void reset_keeping_capacity(AuditRecord& rec) {
  rec.kind = RecordKind::syscall;
  rec.seq = 0;
  rec.time_ns = 0;
  for_each_field(rec, ResetField{});
}

}  // namespace

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : std::to_string(err);
}

Result<void> EventDecoder::decode(std::span<const uint8_t> raw, AuditRecord& rec) const {
  if (raw.size() < sizeof(c2a_event)) {
    return fail(fmt::format("sensor record: {} bytes, shorter than its header", raw.size()));
  }
  c2a_event ev;
  std::memcpy(&ev, raw.data(), sizeof(ev));
  bool ia32 = ev.status & C2A_ST_IA32;
  const SyscallInfo* info = ia32 ? find_ia32_syscall(ev.syscall_nr) : find_syscall(ev.syscall_nr);
  if (ev.kind != C2A_KIND_SYSCALL || !info) {
    return fail(fmt::format("sensor record: unknown kind {} / syscall {}", ev.kind, ev.syscall_nr));
  }
  auto fields = split_fields(ev, raw);
  if (!fields) return tl::unexpected(fields.error());

  reset_keeping_capacity(rec);
  rec.kind = RecordKind::syscall;
  rec.time_ns = clock_.to_wall(ev.time_ns);
  rec.event = info->name;
  rec.event_class = event_class_of(*info, ev.open_flags);
  rec.syscall_nr = (ev.status & C2A_ST_SOCKETCALL) ? C2A_IA32_SOCKETCALL : ev.syscall_nr;
  rec.ia32 = ia32;
  rec.io_uring = ev.status & C2A_ST_IO_URING;
  rec.ret = ev.ret;
  rec.success = !(ev.ret < 0 && ev.ret >= -kMaxErrno);
  if (!rec.success) rec.errno_name = errno_name(static_cast<int>(-ev.ret));
  rec.flags = info->spec.flags_arg != C2A_ARG_NONE ? ev.open_flags : 0;
  if (info->mode_arg != C2A_ARG_NONE) {
    rec.mode = static_cast<uint32_t>(ev.args[info->mode_arg] & kModeBits);
  }
  if (info->ioctl_requests[0]) {
    rec.request = static_cast<uint32_t>(ev.args[1]);
    rec.flags = ev.open_flags;  // what the request sets
  }
  // Pids and signals are C ints: the low 32 bits, in either ABI.
  if (info->target_arg != C2A_ARG_NONE) {
    rec.target_pid = static_cast<int32_t>(static_cast<uint32_t>(ev.args[info->target_arg]));
  }
  if (ev.obj_pid != 0) rec.target_pid = ev.obj_pid;  // a pidfd's process
  if (info->signal_arg != C2A_ARG_NONE) rec.signal = static_cast<uint32_t>(ev.args[info->signal_arg]);
  fill_identity(ev, rec);
  rec.exe = (*fields)[C2A_F_EXE];
  resolve_paths(ev, *fields, *info, rec);
  if (ev.obj_ino != 0) {
    rec.inode = ev.obj_ino;
    rec.dev = ev.obj_dev;
    rec.obj_mode = ev.obj_mode;
    rec.obj_uid = ev.obj_uid;
    rec.obj_gid = ev.obj_gid;
  }
  if (info->spec.flags & C2A_SPEC_EXEC) {
    rec.argv = split_argv((*fields)[C2A_F_ARGV]);
    rec.argv_truncated = ev.status & C2A_ST_ARGV_CUT;
    name_the_program(ev, rec);
  }
  std::string_view raw_struct = (*fields)[C2A_F_SOCKADDR];
  if (info->clock_arg != C2A_ARG_NONE) rec.clock = static_cast<uint32_t>(ev.args[info->clock_arg]);
  if (info->time_arg != TimeArg::none) {
    // A 32-bit caller's structs have other layouts: not read.
    if (!rec.ia32) decode_time_argument(info->time_arg, raw_struct, rec);
  } else if (!raw_struct.empty()) {
    decode_sockaddr(raw_struct, rec);
  }
  return {};
}

std::optional<WatchedDirField> watched_dir_of(std::span<const uint8_t> raw) {
  if (raw.size() < sizeof(c2a_event)) return std::nullopt;
  c2a_event ev;
  std::memcpy(&ev, raw.data(), sizeof(ev));
  if (!(ev.status & C2A_ST_UNDER_WATCHED_DIR)) return std::nullopt;
  auto fields = split_fields(ev, raw);
  if (!fields) return std::nullopt;
  std::string_view field = (*fields)[C2A_F_WATCHED];
  c2a_watched_dir dir;
  if (field.size() <= sizeof(dir)) return std::nullopt;
  std::memcpy(&dir, field.data(), sizeof(dir));
  std::string_view below = field.substr(sizeof(dir));
  if (!below.starts_with('/')) return std::nullopt;
  return WatchedDirField{dir.ino, dir.dev, below};
}

uint32_t policy_generation_of(std::span<const uint8_t> raw) {
  uint32_t generation = 0;
  constexpr size_t at = offsetof(c2a_event, policy_generation);
  if (raw.size() >= at + sizeof generation) std::memcpy(&generation, raw.data() + at, sizeof generation);
  return generation;
}

}  // namespace c2audit
