// Record encodings. Version 2, a record on its own: only the fields it has.
//
//   u8 version | u8 kind | varint seq | i64 time_ns (little-endian)
//   varint present: bit i set when field i (record_fields.h's order) differs
//                   from its absent value
//   each present field, in order: a string or argv string as a varint byte
//   length and the bytes; argv as a varint count and its strings; an
//   unsigned number as a varint; a signed one as a zigzag varint; a flag
//   has no bytes (its bit is its value)
//
// Version 3, written since 2026-12-03: a record told against the one before
// it in its batch (the record frames between two tag frames of a segment;
// the first against a record of defaults, seq 0 and time 0).
//
//   u8 version | u8 kind | varint seq - its seq | zigzag varint time_ns - its time_ns
//   varint present: bit i set when field i differs from its value there
//   each present field as in version 2; a flag's bit flips it
//
// An open's record was ~170 bytes in version 2 (version 1, every field at
// full width, ~270); in a storm of one program's opens, version 3 takes 6,
// since only seq and time change. Every byte is hashed, checksummed,
// written and compressed once per record. The decoder is strict: unknown
// kinds or bits, a present field holding the value it would have had
// anyway, varints not in their shortest form and trailing bytes are all
// errors, so a record decodes only if it is exactly what the encoder made.
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

// Whether two strings hold the same bytes, compared inline with word loads
// (the last one overlapping the one before it): most of a record's strings
// equal the record before's, and comparing them byte by byte, or by calling
// memcmp, was most of the encoder's time.
template <typename Word>
bool same_word(const char* p, const char* q) {
  Word x, y;
  std::memcpy(&x, p, sizeof x);
  std::memcpy(&y, q, sizeof y);
  return x == y;
}

[[gnu::always_inline]] inline bool same_bytes(const std::string& a, const std::string& b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= sizeof(uint64_t)) {
    for (size_t i = 0; i + sizeof(uint64_t) < n; i += sizeof(uint64_t)) {
      if (!same_word<uint64_t>(p + i, q + i)) return false;
    }
    return same_word<uint64_t>(p + n - sizeof(uint64_t), q + n - sizeof(uint64_t));
  }
  if (n >= sizeof(uint32_t)) {
    return same_word<uint32_t>(p, q) &&
           same_word<uint32_t>(p + n - sizeof(uint32_t), q + n - sizeof(uint32_t));
  }
  // 0 to 3 bytes: the first, the middle and the last cover them all.
  return n == 0 || (p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1]);
}

// Writes `v` as a varint at `at`; returns the end.
char* put_varint(char* at, uint64_t v) {
  while (v >= FieldReader::kVarintContinue) {
    *at++ = static_cast<char>((v & FieldReader::kVarintMask) | FieldReader::kVarintContinue);
    v >>= FieldReader::kVarintPayloadBits;
  }
  *at++ = static_cast<char>(v);
  return at;
}

// One pass over the fields: those that differ from the record told against
// get their bit and have their bytes appended to `out`. When that record is
// not const, it becomes the record written, field by field, so that only
// what changed is copied.
struct FieldWriter {
  std::string& out;
  uint64_t bits = 0;
  unsigned next = 0;

  static bool same(const std::string& a, const std::string& b) { return same_bytes(a, b); }
  static bool same(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return a == b;
  }
  template <typename T>
  static bool same(T a, T b) {
    return a == b;
  }

  void varint(uint64_t v) {
    char bytes[kMaxVarint];
    out.append(bytes, put_varint(bytes, v));
  }
  void value(const std::string& s) {
    varint(s.size());
    out.append(s);
  }
  void value(const std::vector<std::string>& argv) {
    varint(argv.size());
    for (const auto& arg : argv) value(arg);
  }
  template <Number T>
  void value(T v) {
    if constexpr (std::is_signed_v<T>) {
      varint(zigzag(v));
    } else {
      varint(v);
    }
  }
  void value(bool) {}  // its bit says it all

  template <typename T, typename Before, typename... Absent>
  [[gnu::always_inline]] void operator()(const FieldSpec&, const T& v, Before& before,
                                         Absent...) {
    unsigned i = next++;
    if (same(v, before)) return;
    bits |= uint64_t{1} << i;
    value(v);
    if constexpr (!std::is_const_v<Before>) before = v;
  }
};

// The record encodings' common part: `head` writes the version, kind, seq
// and time (at most kMaxHead bytes) at a pointer and returns the end; then
// come the present bits and the fields of `rec` told against `before` (a
// record of defaults for version 2), gathered in `fields` on the way.
constexpr size_t kMaxHead = 2 + 2 * kMaxVarint + sizeof(uint64_t);

template <typename Before, typename Head>
void encode_fields(const AuditRecord& rec, Before& before, std::string& fields, std::string& out,
                   Head&& head) {
  fields.clear();
  FieldWriter writer{fields};
  for_each_field_pair(rec, before, writer);
  char start[kMaxHead + kMaxVarint];
  char* end = put_varint(head(start), writer.bits);
  out.append(start, end);
  out.append(fields);
}

// ---- decoding -------------------------------------------------------------

// Reads the present fields into a record holding what they are told against
// (defaults for version 2): a present field must differ from what it held,
// and a flag's bit flips it.
struct FieldLoader {
  FieldReader& in;
  uint64_t bits;
  const char* unchanged;  // why a field holding what it held is refused
  unsigned next = 0;

  // The name of the field being read when it is present, else null.
  const char* present(const FieldSpec& spec) {
    unsigned i = next++;
    return (bits >> i) & 1 ? spec.name.data() : nullptr;
  }
  void refuse_if(bool same, const char* field) {
    if (same) in.fail_field(field, unchanged);
  }
  void operator()(const FieldSpec& spec, std::string& s) {
    if (const char* field = present(spec)) {
      std::string value = in.str(field);
      refuse_if(!in.failed() && value == s, field);
      s = std::move(value);
    }
  }
  void operator()(const FieldSpec& spec, std::vector<std::string>& argv) {
    const char* field = present(spec);
    if (!field) return;
    uint64_t count = in.varint(field);
    // Each string takes at least one byte, so a larger count cannot be
    // genuine; checking first keeps garbage from reserving huge vectors.
    if (!in.failed() && count > in.remaining()) in.fail_field(field, "count past end of record");
    if (in.failed()) return;
    std::vector<std::string> value;
    value.reserve(count);
    for (uint64_t i = 0; i < count && !in.failed(); ++i) value.push_back(in.str(field));
    refuse_if(!in.failed() && value == argv, field);
    argv = std::move(value);
  }
  template <Number T>
  void operator()(const FieldSpec& spec, T& v, T) {
    const char* field = present(spec);
    if (!field) return;
    uint64_t wide = in.varint(field);
    T value;
    if constexpr (std::is_signed_v<T>) {
      static_assert(sizeof(T) == sizeof(int64_t), "signed fields are 64 bits");
      value = unzigzag(wide);
    } else {
      if (!in.failed() && wide > std::numeric_limits<T>::max()) in.fail_field(field, "out of range");
      value = static_cast<T>(wide);
    }
    refuse_if(!in.failed() && value == v, field);
    v = value;
  }
  void operator()(const FieldSpec& spec, bool& flag, bool) {
    if (present(spec)) flag = !flag;
  }
};

RecordKind read_kind(FieldReader& in) {
  uint8_t kind = in.u8("kind");
  if (!in.failed() && (kind < kFirstKind || kind > kLastKind)) in.fail_field("kind", "unknown");
  return static_cast<RecordKind>(kind);
}

void read_fields(FieldReader& in, AuditRecord& rec, const char* unchanged) {
  uint64_t bits = in.varint("present bits");
  if (!in.failed() && (bits >> (record_field_count() - 1)) > 1)
    in.fail_field("present bits", "unknown field");
  if (in.failed()) return;
  for_each_field(rec, FieldLoader{in, bits, unchanged});
}

// Version 2, after its version byte, into `rec`, which holds the defaults.
void read_record(FieldReader& in, AuditRecord& rec) {
  rec.kind = read_kind(in);
  rec.seq = in.varint("seq");
  rec.time_ns = in.i64("time");
  read_fields(in, rec, "present but holds its absent value");
}

// Version 3, after its version byte, into `rec`, which holds the record
// before it.
void read_delta(FieldReader& in, AuditRecord& rec) {
  rec.kind = read_kind(in);
  rec.seq += in.varint("seq");  // both wrap: every value is reachable
  rec.time_ns = static_cast<int64_t>(static_cast<uint64_t>(rec.time_ns) +
                                     static_cast<uint64_t>(unzigzag(in.varint("time"))));
  read_fields(in, rec, "present but holds the value of the record before it");
}

Result<void> finish(FieldReader& in) {
  if (!in.failed() && in.remaining() != 0) in.fail_field("end of record", "trailing bytes");
  if (in.failed()) {
    return fail(std::string("record: field ") + in.failed_field() + ": " + in.failure_reason());
  }
  return {};
}

const AuditRecord& defaults() {
  static const AuditRecord kDefaults;
  return kDefaults;
}

}  // namespace

void encode_record(const AuditRecord& rec, std::string& out) {
  std::string fields;
  encode_fields(rec, defaults(), fields, out, [&rec](char* at) {
    *at++ = static_cast<char>(kRecordEncodingStandalone);
    *at++ = static_cast<char>(rec.kind);
    at = put_varint(at, rec.seq);
    uint64_t time = to_le(static_cast<uint64_t>(rec.time_ns));
    std::memcpy(at, &time, sizeof(time));
    return at + sizeof(time);
  });
}

Result<void> decode_record_into(std::span<const uint8_t> bytes, AuditRecord& rec) {
  FieldReader in(bytes);
  uint8_t version = in.u8("version");
  if (!in.failed() && version != kRecordEncodingStandalone && version != kRecordEncodingV1) {
    return fail("record: unsupported encoding version " + std::to_string(version) +
                (version == kRecordEncodingVersion ? " (told against the record before it)" : ""));
  }
  rec = AuditRecord{};
  if (version == kRecordEncodingV1) {
    rec = read_record_v1(in);
  } else {
    read_record(in, rec);
  }
  return finish(in);
}

Result<AuditRecord> decode_record(std::span<const uint8_t> bytes) {
  AuditRecord rec;
  if (auto ok = decode_record_into(bytes, rec); !ok) return tl::unexpected(ok.error());
  return rec;
}

void RecordEncoder::start_batch() { before_ = defaults(); }

void RecordEncoder::encode(const AuditRecord& rec, std::string& out) {
  encode_fields(rec, before_, fields_, out, [&](char* at) {
    *at++ = static_cast<char>(kRecordEncodingVersion);
    *at++ = static_cast<char>(rec.kind);
    at = put_varint(at, rec.seq - before_.seq);
    return put_varint(at, zigzag(static_cast<int64_t>(static_cast<uint64_t>(rec.time_ns) -
                                                      static_cast<uint64_t>(before_.time_ns))));
  });
  before_.kind = rec.kind;
  before_.seq = rec.seq;
  before_.time_ns = rec.time_ns;
}

void RecordDecoder::start_batch() {
  before_ = defaults();
  broken_ = false;
}

Result<void> RecordDecoder::decode(std::span<const uint8_t> bytes, AuditRecord& rec) {
  if (broken_) return fail("record: follows one in its batch that did not decode");
  Result<void> ok;
  if (bytes.empty() || bytes[0] != kRecordEncodingVersion) {
    ok = decode_record_into(bytes, before_);
  } else {
    FieldReader in(bytes.subspan(1));
    read_delta(in, before_);
    ok = finish(in);
  }
  broken_ = !ok;  // what before_ holds is then half a record
  if (ok) rec = before_;
  return ok;
}

}  // namespace c2audit
