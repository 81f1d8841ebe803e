// The version-1 decoder (record_codec_v1.h), unchanged since version 2
// replaced it for writing.
#include "record/record_codec_v1.h"

namespace c2audit {
namespace {

constexpr uint8_t kFlagSuccess = 1u << 0;
constexpr uint8_t kFlagPathUnresolved = 1u << 1;
constexpr uint8_t kFlagPath2Unresolved = 1u << 2;
constexpr uint8_t kFlagArgvTruncated = 1u << 3;
constexpr uint8_t kFlagIa32 = 1u << 4;
constexpr uint8_t kFlagObject = 1u << 5;  // dev, inode, watched_path follow the flags byte
constexpr uint8_t kFlagIoUring = 1u << 6;
constexpr uint8_t kKnownFlags = kFlagSuccess | kFlagPathUnresolved | kFlagPath2Unresolved |
                                kFlagArgvTruncated | kFlagIa32 | kFlagObject | kFlagIoUring;

constexpr uint8_t kFirstKind = static_cast<uint8_t>(RecordKind::syscall);
constexpr uint8_t kLastKind = static_cast<uint8_t>(RecordKind::daemon);

bool has_object(const AuditRecord& rec) { return rec.inode != 0 || !rec.watched_path.empty(); }

RecordKind read_kind(FieldReader& in) {
  uint8_t kind = in.u8("kind");
  if (!in.failed() && (kind < kFirstKind || kind > kLastKind)) in.fail_field("kind", "unknown");
  return static_cast<RecordKind>(kind);
}

std::vector<std::string> read_argv(FieldReader& in) {
  uint64_t count = in.varint("argv");
  // Each string takes at least one byte, so a larger count cannot be genuine;
  // checking first keeps garbage from reserving huge vectors.
  if (!in.failed() && count > in.remaining()) in.fail_field("argv", "count past end of record");
  std::vector<std::string> argv;
  if (in.failed()) return argv;
  argv.reserve(count);
  for (uint64_t i = 0; i < count && !in.failed(); ++i) argv.push_back(in.str("argv"));
  return argv;
}

void read_flags(FieldReader& in, AuditRecord& rec) {
  uint8_t bits = in.u8("flags byte");
  if (!in.failed() && (bits & ~kKnownFlags) != 0) in.fail_field("flags byte", "unknown bits");
  rec.success = (bits & kFlagSuccess) != 0;
  rec.path_unresolved = (bits & kFlagPathUnresolved) != 0;
  rec.path2_unresolved = (bits & kFlagPath2Unresolved) != 0;
  rec.argv_truncated = (bits & kFlagArgvTruncated) != 0;
  rec.ia32 = (bits & kFlagIa32) != 0;
  rec.io_uring = (bits & kFlagIoUring) != 0;
  if (bits & kFlagObject) {
    rec.dev = in.u32("dev");
    rec.inode = in.u64("inode");
    rec.watched_path = in.str("watched_path");
    if (!in.failed() && !has_object(rec)) in.fail_field("inode", "object flag without an object");
  }
}

void read_what(FieldReader& in, AuditRecord& rec) {
  rec.event = in.str("event");
  rec.event_class = in.str("class");
  rec.syscall_nr = in.u32("syscall_nr");
  rec.ret = in.i64("ret");
  rec.errno_name = in.str("errno");
}

void read_who(FieldReader& in, AuditRecord& rec) {
  rec.pid = in.u32("pid");
  rec.tid = in.u32("tid");
  rec.ppid = in.u32("ppid");
  rec.uid = in.u32("uid");
  rec.euid = in.u32("euid");
  rec.gid = in.u32("gid");
  rec.egid = in.u32("egid");
  rec.auid = in.u32("auid");
  rec.ses = in.u32("ses");
  rec.user = in.str("user");
  rec.comm = in.str("comm");
  rec.exe = in.str("exe");
  rec.tty = in.str("tty");
  rec.cgroup_id = in.u64("cgroup_id");
}

void read_object(FieldReader& in, AuditRecord& rec) {
  rec.path = in.str("path");
  rec.path2 = in.str("path2");
  rec.argv = read_argv(in);
  rec.addr = in.str("addr");
  rec.port = in.u16("port");
  rec.flags = in.u64("flags");
  rec.mode = in.u32("mode");
}

void read_rest(FieldReader& in, AuditRecord& rec) {
  rec.objective = in.str("objective");
  rec.criticality = in.str("criticality");
  rec.lost_count = in.u64("lost_count");
  rec.cpu = in.u32("cpu");
  rec.window_start_ns = in.i64("window_start_ns");
  rec.window_end_ns = in.i64("window_end_ns");
  rec.message = in.str("message");
}

}  // namespace

AuditRecord read_record_v1(FieldReader& in) {
  AuditRecord rec;
  rec.kind = read_kind(in);
  rec.seq = in.u64("seq");
  rec.time_ns = in.i64("time");
  read_what(in, rec);
  read_who(in, rec);
  read_object(in, rec);
  read_rest(in, rec);
  read_flags(in, rec);
  return rec;
}

}  // namespace c2audit
