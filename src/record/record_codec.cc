// Record encoding, version 1. Layout (all integers little-endian, fixed width):
//
//   u8 version | u8 kind | u64 seq | i64 time_ns
//   str event | str class | u32 syscall_nr | i64 ret | str errno_name
//   u32 pid tid ppid uid euid gid egid auid ses | str user comm exe tty
//   u64 cgroup_id | str path path2 | varint argc, str * argc | str addr
//   u16 port | u64 flags | u32 mode | str objective criticality
//   u64 lost_count | u32 cpu | i64 window_start_ns window_end_ns | str message
//   u8 flag bits (success, path_unresolved, path2_unresolved, argv_truncated, ia32,
//                 object, io_uring)
//   [object flag only:] u32 dev | u64 inode | str watched_path
//
// where str is a varint (LEB128) byte length followed by the bytes. The
// decoder is strict: unknown kinds, unknown flag bits, overlong varints and
// trailing bytes are all errors, so a record decodes only if it is exactly
// what encode_record() produced.
#include "record/record_codec.h"

#include <cstring>

#include "common/little_endian.h"

namespace c2audit {
namespace {

constexpr unsigned kVarintPayloadBits = 7;
constexpr uint8_t kVarintContinue = 0x80;
constexpr uint8_t kVarintMask = 0x7f;
constexpr unsigned kMaxVarintBytes = 10;  // ceil(64 / 7)

constexpr uint8_t kFlagSuccess = 1u << 0;
constexpr uint8_t kFlagPathUnresolved = 1u << 1;
constexpr uint8_t kFlagPath2Unresolved = 1u << 2;
constexpr uint8_t kFlagArgvTruncated = 1u << 3;
constexpr uint8_t kFlagIa32 = 1u << 4;
// The record names its object's identity: fields follow the flags byte, so
// that a record without one keeps the layout records had before.
constexpr uint8_t kFlagObject = 1u << 5;
constexpr uint8_t kFlagIoUring = 1u << 6;
constexpr uint8_t kKnownFlags = kFlagSuccess | kFlagPathUnresolved | kFlagPath2Unresolved |
                                kFlagArgvTruncated | kFlagIa32 | kFlagObject | kFlagIoUring;

constexpr uint8_t kFirstKind = static_cast<uint8_t>(RecordKind::syscall);
constexpr uint8_t kLastKind = static_cast<uint8_t>(RecordKind::daemon);

// ---- encoding -------------------------------------------------------------

void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }

void put_u16(std::string& out, uint16_t v) { append_le(out, v); }
void put_u32(std::string& out, uint32_t v) { append_le(out, v); }
void put_u64(std::string& out, uint64_t v) { append_le(out, v); }

void put_i64(std::string& out, int64_t v) { put_u64(out, static_cast<uint64_t>(v)); }

void put_varint(std::string& out, uint64_t v) {
  while (v >= kVarintContinue) {
    put_u8(out, static_cast<uint8_t>(v & kVarintMask) | kVarintContinue);
    v >>= kVarintPayloadBits;
  }
  put_u8(out, static_cast<uint8_t>(v));
}

void put_str(std::string& out, const std::string& s) {
  put_varint(out, s.size());
  out.append(s);
}

bool has_object(const AuditRecord& rec) { return rec.inode != 0 || !rec.watched_path.empty(); }

uint8_t flag_bits(const AuditRecord& rec) {
  return (rec.success ? kFlagSuccess : 0) | (rec.path_unresolved ? kFlagPathUnresolved : 0) |
         (rec.path2_unresolved ? kFlagPath2Unresolved : 0) |
         (rec.argv_truncated ? kFlagArgvTruncated : 0) | (rec.ia32 ? kFlagIa32 : 0) |
         (has_object(rec) ? kFlagObject : 0) | (rec.io_uring ? kFlagIoUring : 0);
}

// ---- decoding -------------------------------------------------------------

// Reads fields in order from a byte span. The first failure is sticky: it
// records the field name, and every later read returns a zero value without
// touching the input, so decode_record() checks once at the end.
class FieldReader {
 public:
  explicit FieldReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool failed() const { return failed_field_ != nullptr; }
  const char* failed_field() const { return failed_field_; }
  const char* failure_reason() const { return failure_reason_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  // Marks `field` bad for `reason` unless an earlier field already failed.
  void fail_field(const char* field, const char* reason) {
    if (failed()) return;
    failed_field_ = field;
    failure_reason_ = reason;
  }

  uint8_t u8(const char* field) {
    uint8_t v = 0;
    take(field, &v, sizeof(v));
    return v;
  }
  uint16_t u16(const char* field) {
    uint16_t v = 0;
    take(field, &v, sizeof(v));
    return from_le(v);
  }
  uint32_t u32(const char* field) {
    uint32_t v = 0;
    take(field, &v, sizeof(v));
    return from_le(v);
  }
  uint64_t u64(const char* field) {
    uint64_t v = 0;
    take(field, &v, sizeof(v));
    return from_le(v);
  }
  int64_t i64(const char* field) { return static_cast<int64_t>(u64(field)); }

  uint64_t varint(const char* field) {
    uint64_t v = 0;
    for (unsigned i = 0; i < kMaxVarintBytes && !failed(); ++i) {
      uint8_t byte = u8(field);
      v |= static_cast<uint64_t>(byte & kVarintMask) << (kVarintPayloadBits * i);
      if ((byte & kVarintContinue) == 0) return v;
    }
    fail_field(field, "overlong length");
    return 0;
  }

  std::string str(const char* field) {
    uint64_t len = varint(field);
    if (failed()) return {};
    if (len > remaining()) {
      fail_field(field, "length past end of record");
      return {};
    }
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), len);
    pos_ += len;
    return s;
  }

 private:
  void take(const char* field, void* dst, size_t n) {
    if (failed()) return;
    if (n > remaining()) {
      fail_field(field, "truncated");
      return;
    }
    std::memcpy(dst, bytes_.data() + pos_, n);
    pos_ += n;
  }

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  const char* failed_field_ = nullptr;
  const char* failure_reason_ = nullptr;
};

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

void encode_record(const AuditRecord& rec, std::string& out) {
  put_u8(out, kRecordEncodingVersion);
  put_u8(out, static_cast<uint8_t>(rec.kind));
  put_u64(out, rec.seq);
  put_i64(out, rec.time_ns);

  put_str(out, rec.event);
  put_str(out, rec.event_class);
  put_u32(out, rec.syscall_nr);
  put_i64(out, rec.ret);
  put_str(out, rec.errno_name);

  for (uint32_t id :
       {rec.pid, rec.tid, rec.ppid, rec.uid, rec.euid, rec.gid, rec.egid, rec.auid, rec.ses}) {
    put_u32(out, id);
  }
  for (const std::string* s : {&rec.user, &rec.comm, &rec.exe, &rec.tty}) put_str(out, *s);
  put_u64(out, rec.cgroup_id);

  put_str(out, rec.path);
  put_str(out, rec.path2);
  put_varint(out, rec.argv.size());
  for (const auto& arg : rec.argv) put_str(out, arg);
  put_str(out, rec.addr);
  put_u16(out, rec.port);
  put_u64(out, rec.flags);
  put_u32(out, rec.mode);

  put_str(out, rec.objective);
  put_str(out, rec.criticality);
  put_u64(out, rec.lost_count);
  put_u32(out, rec.cpu);
  put_i64(out, rec.window_start_ns);
  put_i64(out, rec.window_end_ns);
  put_str(out, rec.message);
  put_u8(out, flag_bits(rec));
  if (has_object(rec)) {
    put_u32(out, rec.dev);
    put_u64(out, rec.inode);
    put_str(out, rec.watched_path);
  }
}

Result<AuditRecord> decode_record(std::span<const uint8_t> bytes) {
  FieldReader in(bytes);
  uint8_t version = in.u8("version");
  if (!in.failed() && version != kRecordEncodingVersion) {
    return fail("record: unsupported encoding version " + std::to_string(version));
  }
  AuditRecord rec;
  rec.kind = read_kind(in);
  rec.seq = in.u64("seq");
  rec.time_ns = in.i64("time");
  read_what(in, rec);
  read_who(in, rec);
  read_object(in, rec);
  read_rest(in, rec);
  read_flags(in, rec);
  if (!in.failed() && in.remaining() != 0) in.fail_field("end of record", "trailing bytes");
  if (in.failed()) {
    return fail(std::string("record: field ") + in.failed_field() + ": " + in.failure_reason());
  }
  return rec;
}

}  // namespace c2audit
