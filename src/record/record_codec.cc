// Record encoding, version 2: only the fields a record has. Layout:
//
//   u8 version | u8 kind | varint seq | i64 time_ns (little-endian)
//   varint present: bit i set when field i (record_fields.h's order) differs
//                   from its absent value
//   each present field, in order: a string or argv string as a varint byte
//   length and the bytes; argv as a varint count and its strings; an
//   unsigned number as a varint; a signed one as a zigzag varint; a flag
//   has no bytes (its bit is its value)
//
// An open's record is ~170 bytes where version 1 (record_codec_v1.h), which
// wrote every field at its full width, took ~270: every byte is hashed,
// checksummed, written and compressed once per record. The decoder is strict:
// unknown kinds or bits, a present field holding its absent value, varints
// not in their shortest form and trailing bytes are all errors, so a record
// decodes only if it is exactly what encode_record() produced.
#include "record/record_codec.h"

#include <concepts>
#include <cstring>
#include <limits>
#include <type_traits>

#include "common/little_endian.h"
#include "record/field_reader.h"
#include "record/record_codec_v1.h"
#include "record/record_fields.h"

namespace c2audit {
namespace {

constexpr uint8_t kFirstKind = static_cast<uint8_t>(RecordKind::syscall);
constexpr uint8_t kLastKind = static_cast<uint8_t>(RecordKind::user);

// A numeric field (a flag is not one: it is a bool). Signed ones are
// written zigzag, so small negatives stay short.
template <typename T>
concept Number = std::integral<T> && !std::same_as<T, bool>;

uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// ---- encoding -------------------------------------------------------------

constexpr size_t kMaxVarint = FieldReader::kMaxVarintBytes;

// Which fields are present, and at most how many bytes they take.
struct Presence {
  uint64_t bits = 0;
  size_t bound = 0;
  unsigned next = 0;

  void mark(bool present, size_t bytes) {
    if (present) {
      bits |= uint64_t{1} << next;
      bound += bytes;
    }
    ++next;
  }
  void operator()(const FieldSpec&, const std::string& s) {
    mark(!s.empty(), kMaxVarint + s.size());
  }
  void operator()(const FieldSpec&, const std::vector<std::string>& argv) {
    size_t bytes = kMaxVarint;
    for (const auto& arg : argv) bytes += kMaxVarint + arg.size();
    mark(!argv.empty(), bytes);
  }
  template <Number T>
  void operator()(const FieldSpec&, T v, T absent) {
    mark(v != absent, kMaxVarint);
  }
  void operator()(const FieldSpec&, bool flag, bool absent) { mark(flag != absent, 0); }
};

// Writes the present fields at `out`, which has room for them.
struct FieldWriter {
  uint64_t bits;
  char* out;
  unsigned next = 0;

  bool present() { return (bits >> next++) & 1; }

  void varint(uint64_t v) {
    while (v >= FieldReader::kVarintContinue) {
      *out++ = static_cast<char>((v & FieldReader::kVarintMask) | FieldReader::kVarintContinue);
      v >>= FieldReader::kVarintPayloadBits;
    }
    *out++ = static_cast<char>(v);
  }
  void bytes(const std::string& s) {
    varint(s.size());
    std::memcpy(out, s.data(), s.size());
    out += s.size();
  }
  void operator()(const FieldSpec&, const std::string& s) {
    if (present()) bytes(s);
  }
  void operator()(const FieldSpec&, const std::vector<std::string>& argv) {
    if (!present()) return;
    varint(argv.size());
    for (const auto& arg : argv) bytes(arg);
  }
  template <Number T>
  void operator()(const FieldSpec&, T v, T) {
    if (!present()) return;
    if constexpr (std::is_signed_v<T>) {
      varint(zigzag(v));
    } else {
      varint(v);
    }
  }
  void operator()(const FieldSpec&, bool, bool) { present(); }
};

// ---- decoding -------------------------------------------------------------

// Reads the present fields; a present field must not hold its absent value.
struct FieldLoader {
  FieldReader& in;
  uint64_t bits;
  unsigned next = 0;

  // The name of the field being read when it is present, else null.
  const char* present(const FieldSpec& spec) {
    unsigned i = next++;
    return (bits >> i) & 1 ? spec.name.data() : nullptr;
  }
  void refuse_if(bool absent_value, const char* field) {
    if (absent_value) in.fail_field(field, "present but holds its absent value");
  }
  void operator()(const FieldSpec& spec, std::string& s) {
    if (const char* field = present(spec)) {
      s = in.str(field);
      refuse_if(!in.failed() && s.empty(), field);
    }
  }
  void operator()(const FieldSpec& spec, std::vector<std::string>& argv) {
    const char* field = present(spec);
    if (!field) return;
    uint64_t count = in.varint(field);
    // Each string takes at least one byte, so a larger count cannot be
    // genuine; checking first keeps garbage from reserving huge vectors.
    if (!in.failed() && count > in.remaining()) in.fail_field(field, "count past end of record");
    refuse_if(!in.failed() && count == 0, field);
    if (in.failed()) return;
    argv.reserve(count);
    for (uint64_t i = 0; i < count && !in.failed(); ++i) argv.push_back(in.str(field));
  }
  template <Number T>
  void operator()(const FieldSpec& spec, T& v, T absent) {
    const char* field = present(spec);
    if (!field) return;
    uint64_t wide = in.varint(field);
    if constexpr (std::is_signed_v<T>) {
      static_assert(sizeof(T) == sizeof(int64_t), "signed fields are 64 bits");
      v = unzigzag(wide);
    } else {
      if (!in.failed() && wide > std::numeric_limits<T>::max()) in.fail_field(field, "out of range");
      v = static_cast<T>(wide);
    }
    refuse_if(!in.failed() && v == absent, field);
  }
  void operator()(const FieldSpec& spec, bool& flag, bool absent) {
    flag = present(spec) ? !absent : absent;
  }
};

RecordKind read_kind(FieldReader& in) {
  uint8_t kind = in.u8("kind");
  if (!in.failed() && (kind < kFirstKind || kind > kLastKind)) in.fail_field("kind", "unknown");
  return static_cast<RecordKind>(kind);
}

// Reads into `rec`, which holds the defaults (absent fields keep them).
void read_record(FieldReader& in, AuditRecord& rec) {
  rec.kind = read_kind(in);
  rec.seq = in.varint("seq");
  rec.time_ns = in.i64("time");
  uint64_t bits = in.varint("present bits");
  if (!in.failed() && (bits >> (record_field_count() - 1)) > 1)
    in.fail_field("present bits", "unknown field");
  if (in.failed()) return;
  for_each_field(rec, FieldLoader{in, bits});
}

}  // namespace

void encode_record(const AuditRecord& rec, std::string& out) {
  Presence presence;
  for_each_field(rec, presence);
  size_t start = out.size();
  out.resize(start + 2 + 2 * kMaxVarint + sizeof(uint64_t) + presence.bound);
  FieldWriter writer{presence.bits, out.data() + start};
  *writer.out++ = static_cast<char>(kRecordEncodingVersion);
  *writer.out++ = static_cast<char>(rec.kind);
  writer.varint(rec.seq);
  uint64_t time = to_le(static_cast<uint64_t>(rec.time_ns));
  std::memcpy(writer.out, &time, sizeof(time));
  writer.out += sizeof(time);
  writer.varint(presence.bits);
  for_each_field(rec, writer);
  out.resize(writer.out - out.data());
}

Result<void> decode_record_into(std::span<const uint8_t> bytes, AuditRecord& rec) {
  FieldReader in(bytes);
  uint8_t version = in.u8("version");
  if (!in.failed() && version != kRecordEncodingVersion && version != kRecordEncodingV1) {
    return fail("record: unsupported encoding version " + std::to_string(version));
  }
  rec = AuditRecord{};
  if (version == kRecordEncodingV1) {
    rec = read_record_v1(in);
  } else {
    read_record(in, rec);
  }
  if (!in.failed() && in.remaining() != 0) in.fail_field("end of record", "trailing bytes");
  if (in.failed()) {
    return fail(std::string("record: field ") + in.failed_field() + ": " + in.failure_reason());
  }
  return {};
}

Result<AuditRecord> decode_record(std::span<const uint8_t> bytes) {
  AuditRecord rec;
  if (auto ok = decode_record_into(bytes, rec); !ok) return tl::unexpected(ok.error());
  return rec;
}

}  // namespace c2audit
