#include "record/record_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace c2audit {
namespace {

using std::string_literals::operator""s;

constexpr size_t kLongString = 70'000;  // longer than a u16 length could hold
constexpr size_t kManyArgs = 300;

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

AuditRecord full_syscall_record() {
  AuditRecord rec;
  rec.kind = RecordKind::syscall;
  rec.seq = 123456789012345ull;
  rec.time_ns = 1'700'000'000'123'456'789;
  rec.event = "execve";
  rec.event_class = "process.exec";
  rec.syscall_nr = 59;
  rec.success = false;
  rec.ret = -13;
  rec.errno_name = "EACCES";
  rec.pid = 4242;
  rec.tid = 4243;
  rec.ppid = 1;
  rec.uid = 1000;
  rec.euid = 0;
  rec.gid = 1000;
  rec.egid = 0;
  rec.auid = 1000;
  rec.ses = 7;
  rec.user = "alice";
  rec.comm = "bash";
  rec.exe = "/usr/bin/bash";
  rec.tty = "pts/0";
  rec.cgroup_id = 0xdeadbeefcafeull;
  rec.path = "/usr/bin/sudo";
  rec.path2 = "/tmp/target with spaces";
  rec.path_unresolved = true;
  rec.path2_unresolved = true;
  rec.argv = {"sudo", "-u", "", "root", "id"};
  rec.argv_truncated = true;
  rec.ia32 = true;
  rec.addr = "2001:db8::1";
  rec.port = 65535;
  rec.flags = 0x80241;
  rec.mode = 0644;
  rec.request = 0x40086602;
  rec.objective = "privileged-exec";
  rec.criticality = "high";
  rec.message = "";
  return rec;
}

AuditRecord round_trip(const AuditRecord& rec) {
  std::string out;
  encode_record(rec, out);
  auto decoded = decode_record(bytes_of(out));
  EXPECT_TRUE(decoded) << decoded.error().message;
  return decoded ? *decoded : AuditRecord{};
}

TEST(RecordCodec, FirstByteIsVersion) {
  std::string out;
  encode_record(AuditRecord{}, out);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(static_cast<uint8_t>(out[0]), kRecordEncodingStandalone);
  RecordEncoder encoder;
  out.clear();
  encoder.encode(AuditRecord{}, out);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(static_cast<uint8_t>(out[0]), kRecordEncodingVersion);
}

TEST(RecordCodec, RoundTripsEveryField) {
  AuditRecord rec = full_syscall_record();
  EXPECT_EQ(round_trip(rec), rec);
}

TEST(RecordCodec, RoundTripsAnObjectIdentity) {
  AuditRecord rec = full_syscall_record();
  rec.inode = 0x123456789abull;
  rec.dev = (254u << 20) | 3;
  rec.watched_path = "/etc/shadow";
  rec.io_uring = true;
  EXPECT_EQ(round_trip(rec), rec);
  rec.watched_path.clear();
  EXPECT_EQ(round_trip(rec), rec);
}

// Only the fields a record has take bytes: an open's record is the size of
// its strings and little more.
TEST(RecordCodec, AbsentFieldsTakeNoBytes) {
  std::string empty;
  encode_record(AuditRecord{}, empty);
  // version, kind, seq 0, time (8), present bits 0
  EXPECT_EQ(empty.size(), 12u);
  AuditRecord rec;
  rec.path = "/etc/shadow";
  std::string with_path;
  encode_record(rec, with_path);
  // the present bits grow by a byte (path is field 19) and the path by its length byte
  EXPECT_EQ(with_path.size(), empty.size() + 2 + 1 + rec.path.size());
}

// Trails written before version 2 still read: a version-1 record as the
// encoder of that version wrote it.
TEST(RecordCodec, DecodesVersionOne) {
  const std::string v1 =
      "\x01\x01\x79\xdf\x0d\x86\x48\x70\x00\x00\x15\xcd\x85\x3d\xfe\x9c\x97\x17\x06\x6f\x70\x65\x6e"
      "\x61\x74\x0a\x66\x69\x6c\x65\x2e\x77\x72\x69\x74\x65\x01\x01\x00\x00\xf3\xff\xff\xff\xff\xff"
      "\xff\xff\x06\x45\x41\x43\x43\x45\x53\x92\x10\x00\x00\x93\x10\x00\x00\x01\x00\x00\x00\xe8\x03"
      "\x00\x00\x00\x00\x00\x00\xe8\x03\x00\x00\x00\x00\x00\x00\xe8\x03\x00\x00\x07\x00\x00\x00\x05"
      "\x61\x6c\x69\x63\x65\x04\x62\x61\x73\x68\x0d\x2f\x75\x73\x72\x2f\x62\x69\x6e\x2f\x62\x61\x73"
      "\x68\x05\x70\x74\x73\x2f\x30\xfe\xca\xef\xbe\xad\xde\x00\x00\x0b\x2f\x65\x74\x63\x2f\x73\x68"
      "\x61\x64\x6f\x77\x00\x00\x00\x00\x00\x41\x02\x00\x00\x00\x00\x00\x00\xa4\x01\x00\x00\x07\x73"
      "\x65\x63\x72\x65\x74\x73\x04\x68\x69\x67\x68\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x60\x03\x00\xe0\x0f\x67"
      "\x12\x00\x00\x00\x00\x00\x00\x0b\x2f\x65\x74\x63\x2f\x73\x68\x61\x64\x6f\x77"s;
  auto decoded = decode_record(bytes_of(v1));
  ASSERT_TRUE(decoded) << decoded.error().message;
  AuditRecord expected = full_syscall_record();
  expected.event = "openat";
  expected.event_class = "file.write";
  expected.syscall_nr = 257;
  expected.path = "/etc/shadow";
  expected.path2.clear();
  expected.path_unresolved = expected.path2_unresolved = false;
  expected.argv.clear();
  expected.argv_truncated = expected.ia32 = false;
  expected.addr.clear();
  expected.port = 0;
  expected.flags = 0x241;
  expected.request = 0;  // no such field in version 1
  expected.objective = "secrets";
  expected.inode = 4711;
  expected.dev = (254u << 20) | 3;
  expected.watched_path = "/etc/shadow";
  expected.io_uring = true;
  EXPECT_EQ(*decoded, expected);
  // Written again, it is version 2, and reads back the same.
  EXPECT_EQ(round_trip(*decoded), expected);
  std::string cut = v1.substr(0, v1.size() - 1);
  EXPECT_FALSE(decode_record(bytes_of(cut)));
}

TEST(RecordCodec, RoundTripsDefaultRecord) { EXPECT_EQ(round_trip(AuditRecord{}), AuditRecord{}); }

TEST(RecordCodec, RoundTripsLostRecord) {
  AuditRecord rec;
  rec.kind = RecordKind::lost;
  rec.seq = 9;
  rec.event = "lost";
  rec.lost_count = std::numeric_limits<uint64_t>::max();
  rec.cpu = 63;
  rec.window_start_ns = -5;
  rec.window_end_ns = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(round_trip(rec), rec);
}

TEST(RecordCodec, RoundTripsDaemonAndConfigRecords) {
  for (RecordKind kind : {RecordKind::daemon, RecordKind::config}) {
    AuditRecord rec;
    rec.kind = kind;
    rec.event = kind == RecordKind::daemon ? "daemon" : "config";
    rec.message = "c2auditd started; trail resumes after seq 41";
    rec.time_ns = std::numeric_limits<int64_t>::min();
    EXPECT_EQ(round_trip(rec), rec);
  }
}

TEST(RecordCodec, RoundTripsLongStringsAndManyArgs) {
  AuditRecord rec = full_syscall_record();
  rec.path = std::string(kLongString, 'p');
  rec.message = std::string(kLongString, '\0');  // embedded NULs are data
  rec.argv.clear();
  for (size_t i = 0; i < kManyArgs; ++i) rec.argv.push_back(std::string(i, 'a'));
  rec.ret = std::numeric_limits<int64_t>::min();
  rec.auid = kUnsetId;
  EXPECT_EQ(round_trip(rec), rec);
}

TEST(RecordCodec, EncodeAppendsWithoutTouchingExistingBytes) {
  std::string out = "prefix";
  encode_record(full_syscall_record(), out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  auto decoded = decode_record(bytes_of(out).subspan(6));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, full_syscall_record());
}

TEST(RecordCodec, EveryTruncationFailsCleanly) {
  AuditRecord rec = full_syscall_record();
  rec.lost_count = 3;
  rec.message = "m";
  std::string out;
  encode_record(rec, out);
  for (size_t len = 0; len < out.size(); ++len) {
    auto decoded = decode_record(bytes_of(out).first(len));
    ASSERT_FALSE(decoded) << "prefix of " << len << " bytes decoded";
    EXPECT_NE(decoded.error().message.find("record"), std::string::npos);
  }
}

TEST(RecordCodec, ErrorNamesTheField) {
  std::string out;
  encode_record(full_syscall_record(), out);
  // The event is the first field: cut just before its length byte.
  size_t before_event = out.find("\x06" "execve");
  ASSERT_NE(before_event, std::string::npos);
  auto decoded = decode_record(bytes_of(out).first(before_event));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("event"), std::string::npos) << decoded.error().message;
}

// One encoding per record: a field marked present must hold a value other
// than its absent one, a varint must be in its shortest form, and bits past
// the last field are unknown.
TEST(RecordCodec, RefusesEncodingsTheEncoderNeverWrites) {
  const std::string head = "\x02\x01\x05"s + std::string(8, '\0');  // version, kind, seq 5, time 0
  auto message_of = [](const std::string& bytes) {
    auto decoded = decode_record(bytes_of(bytes));
    return decoded ? std::string("decoded") : decoded.error().message;
  };
  EXPECT_EQ(message_of(head + "\x00"s), "decoded");
  // event (bit 0) present, but empty
  EXPECT_NE(message_of(head + "\x01\x00"s).find("event: present but holds its absent value"),
            std::string::npos);
  // auid (bit 12) present, holding kUnsetId
  EXPECT_NE(message_of(head + "\x80\x20\xff\xff\xff\xff\x0f"s).find("auid"), std::string::npos);
  // pid (bit 5) past 32 bits
  EXPECT_NE(message_of(head + "\x20\x80\x80\x80\x80\x10"s).find("pid: out of range"),
            std::string::npos);
  // seq 5 written in two bytes
  EXPECT_NE(message_of("\x02\x01\x85\x00"s + std::string(8, '\0') + "\x00"s).find("shortest"),
            std::string::npos);
  // bit 63: no such field
  EXPECT_NE(message_of(head + std::string(9, '\x80') + "\x01"s).find("unknown field"),
            std::string::npos);
}

TEST(RecordCodec, RejectsUnknownVersionKindAndTrailingBytes) {
  std::string out;
  encode_record(full_syscall_record(), out);

  std::string bad_version = out;
  bad_version[0] = static_cast<char>(kRecordEncodingVersion + 1);
  auto decoded = decode_record(bytes_of(bad_version));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("version"), std::string::npos);

  std::string bad_kind = out;
  bad_kind[1] = 0;
  decoded = decode_record(bytes_of(bad_kind));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("kind"), std::string::npos);

  std::string trailing = out + "x";
  decoded = decode_record(bytes_of(trailing));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("trailing"), std::string::npos);
}

TEST(RecordCodec, RejectsHugeLengthsWithoutAllocating) {
  // Version 2, kind, seq 0, time, event present, then an event length of 2^63 as a varint.
  std::string bytes = "\x02\x01\x00"s + std::string(8, '\0') + "\x01"s;
  bytes += std::string(8, '\xff');
  bytes += '\x7f';
  auto decoded = decode_record(bytes_of(bytes));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("event"), std::string::npos);

  std::string overlong = bytes.substr(0, 12) + std::string(12, '\xff');
  EXPECT_FALSE(decode_record(bytes_of(overlong)));
  // argv (bit 21) claiming more strings than bytes left
  std::string many_args = "\x02\x01\x00"s + std::string(8, '\0') + "\x80\x80\x80\x01\xff\xff\x03"s;
  decoded = decode_record(bytes_of(many_args));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("argv: count past end"), std::string::npos)
      << decoded.error().message;
}

TEST(RecordCodec, GarbageNeverCrashes) {
  std::string out;
  encode_record(full_syscall_record(), out);
  // A deterministic LCG (Numerical Recipes constants): no flaky tests.
  constexpr uint32_t kLcgMultiplier = 1103515245u;
  constexpr uint32_t kLcgIncrement = 12345u;
  constexpr int kRounds = 2000;
  uint32_t state = kLcgIncrement;
  for (int round = 0; round < kRounds; ++round) {
    std::string mutated = out;
    state = state * kLcgMultiplier + kLcgIncrement;
    mutated[state % mutated.size()] = static_cast<char>(state >> 24);
    state = state * kLcgMultiplier + kLcgIncrement;
    mutated.resize(state % (mutated.size() + 1));
    auto decoded = decode_record(bytes_of(mutated));
    if (decoded && static_cast<uint8_t>(mutated[0]) == kRecordEncodingStandalone) {
      std::string again;
      encode_record(*decoded, again);
      EXPECT_EQ(again, mutated);  // strict decoding: only exact encodings pass
    }
  }
}


// ---- version 3: a batch, each record told against the one before it ----

// Records of one batch that differ in every way a field can: kinds, flags
// set and cleared, strings and argv emptied, time going back, seq jumping.
std::vector<AuditRecord> varied_batch() {
  std::vector<AuditRecord> batch;
  AuditRecord full = full_syscall_record();
  batch.push_back(full);
  AuditRecord next = full;
  next.seq += 1;
  next.time_ns += 250;
  next.tid = 4244;
  batch.push_back(next);
  next.seq += 1000;
  next.time_ns -= 1'000'000;  // a record the daemon made, written after later events
  next.path_unresolved = false;
  next.argv.clear();
  next.path2.clear();
  next.ret = 3;
  next.success = true;
  batch.push_back(next);
  AuditRecord lost;
  lost.kind = RecordKind::lost;
  lost.seq = next.seq + 1;
  lost.time_ns = INT64_MIN;  // the farthest a time can move
  lost.event = "lost";
  lost.lost_count = 17;
  batch.push_back(lost);
  AuditRecord again = full;
  again.seq = lost.seq + 1;
  again.time_ns = INT64_MAX;
  again.argv = {"sudo"};
  batch.push_back(again);
  return batch;
}

std::vector<std::string> encode_batch(const std::vector<AuditRecord>& batch) {
  RecordEncoder encoder;
  std::vector<std::string> out;
  for (const auto& rec : batch) encoder.encode(rec, out.emplace_back());
  return out;
}

TEST(RecordBatch, EachRecordDecodesAfterTheOneBeforeIt) {
  auto batch = varied_batch();
  auto encoded = encode_batch(batch);
  RecordDecoder decoder;
  for (size_t i = 0; i < batch.size(); ++i) {
    AuditRecord rec;
    auto ok = decoder.decode(bytes_of(encoded[i]), rec);
    ASSERT_TRUE(ok) << i << ": " << ok.error().message;
    EXPECT_EQ(rec, batch[i]) << i;
  }
}

TEST(RecordBatch, ARecordThatRepeatsTheOneBeforeCostsItsSeqAndTime) {
  AuditRecord first = full_syscall_record();
  AuditRecord second = first;
  second.seq += 1;
  second.time_ns += 900;
  auto encoded = encode_batch({first, second});
  std::string alone;
  encode_record(second, alone);
  // version, kind, seq +1, time +900 (two bytes zigzag), no present bits
  EXPECT_EQ(encoded[1], "\x03\x01\x01\x88\x0e\x00"s);
  EXPECT_GT(alone.size(), 10 * encoded[1].size());
}

// The encoder compares strings a word at a time: a change in any byte, of
// a string of any length, must still mark the field.
TEST(RecordBatch, AChangeInAnyByteOfAStringIsWritten) {
  constexpr size_t kLongest = 40;
  for (size_t length = 1; length <= kLongest; ++length) {
    for (size_t at = 0; at < length; ++at) {
      AuditRecord first;
      first.exe = std::string(length, 'a');
      AuditRecord second = first;
      second.seq = 1;
      second.exe[at] = 'b';
      auto encoded = encode_batch({first, second});
      RecordDecoder decoder;
      AuditRecord rec;
      ASSERT_TRUE(decoder.decode(bytes_of(encoded[0]), rec));
      ASSERT_TRUE(decoder.decode(bytes_of(encoded[1]), rec));
      EXPECT_EQ(rec.exe, second.exe) << "length " << length << ", byte " << at;
    }
  }
}

TEST(RecordBatch, ABatchStartsAfreshOnBothSides) {
  auto batch = varied_batch();
  RecordEncoder encoder;
  RecordDecoder decoder;
  for (const auto& rec : batch) {
    encoder.start_batch();
    decoder.start_batch();
    std::string out;
    encoder.encode(rec, out);
    AuditRecord back;
    ASSERT_TRUE(decoder.decode(bytes_of(out), back));
    EXPECT_EQ(back, rec);
    // The first of a batch does not depend on what came before.
    RecordDecoder fresh;
    ASSERT_TRUE(fresh.decode(bytes_of(out), back));
    EXPECT_EQ(back, rec);
  }
}

TEST(RecordBatch, OlderEncodingsDecodeInABatchAndTheNextFollowsThem) {
  AuditRecord first = full_syscall_record();
  std::string standalone;
  encode_record(first, standalone);
  AuditRecord second = first;
  second.seq += 1;
  RecordEncoder encoder;
  std::string ignored, delta;
  encoder.encode(first, ignored);
  encoder.encode(second, delta);
  RecordDecoder decoder;
  AuditRecord rec;
  ASSERT_TRUE(decoder.decode(bytes_of(standalone), rec));
  EXPECT_EQ(rec, first);
  ASSERT_TRUE(decoder.decode(bytes_of(delta), rec));
  EXPECT_EQ(rec, second);
}

TEST(RecordBatch, RefusesWhatTheEncoderNeverWrites) {
  auto message_of = [](const std::string& first, const std::string& second) {
    RecordDecoder decoder;
    AuditRecord rec;
    if (auto ok = decoder.decode(bytes_of(first), rec); !ok) return "first: " + ok.error().message;
    auto ok = decoder.decode(bytes_of(second), rec);
    return ok ? std::string("decoded") : ok.error().message;
  };
  const std::string head = "\x03\x01\x05\x00"s;  // version 3, kind, seq +5, time +0
  const std::string first = head + "\x01\x06openat"s;  // event "openat"
  EXPECT_EQ(message_of(first, head + "\x00"s), "decoded");
  EXPECT_EQ(message_of(first, head + "\x01\x00"s), "decoded");  // event emptied
  EXPECT_NE(message_of(first, head + "\x01\x06openat"s)
                .find("event: present but holds the value of the record before it"),
            std::string::npos);
  // pid (bit 5) set to 0, which the record before held
  EXPECT_NE(message_of(first, head + "\x20\x00"s).find("pid: present but holds"),
            std::string::npos);
  // time +0 written in two bytes
  EXPECT_NE(message_of(first, "\x03\x01\x05\x80\x00\x00"s).find("shortest"),
            std::string::npos);
  EXPECT_NE(message_of(first, head + "\x00x"s).find("trailing"), std::string::npos);
  // Without its batch, a version-3 record is refused by name.
  auto alone = decode_record(bytes_of(first));
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().message.find("told against the record before it"), std::string::npos);
}

TEST(RecordBatch, AfterARecordFailsTheRestOfItsBatchFails) {
  auto encoded = encode_batch(varied_batch());
  RecordDecoder decoder;
  AuditRecord rec;
  ASSERT_TRUE(decoder.decode(bytes_of(encoded[0]), rec));
  std::string cut = encoded[1].substr(0, encoded[1].size() - 1);
  EXPECT_FALSE(decoder.decode(bytes_of(cut), rec));
  auto next = decoder.decode(bytes_of(encoded[2]), rec);
  ASSERT_FALSE(next);
  EXPECT_NE(next.error().message.find("did not decode"), std::string::npos);
  decoder.start_batch();
  EXPECT_TRUE(decoder.decode(bytes_of(encoded[0]), rec));
}

TEST(RecordBatch, GarbageAfterARecordNeverCrashesAndOnlyExactEncodingsPass) {
  auto batch = varied_batch();
  auto encoded = encode_batch(batch);
  constexpr uint32_t kLcgMultiplier = 1103515245u;
  constexpr uint32_t kLcgIncrement = 12345u;
  constexpr int kRounds = 2000;
  uint32_t state = kLcgIncrement;
  for (int round = 0; round < kRounds; ++round) {
    std::string mutated = encoded[1];
    state = state * kLcgMultiplier + kLcgIncrement;
    mutated[state % mutated.size()] = static_cast<char>(state >> 24);
    state = state * kLcgMultiplier + kLcgIncrement;
    mutated.resize(state % (mutated.size() + 1));
    RecordDecoder decoder;
    AuditRecord rec;
    ASSERT_TRUE(decoder.decode(bytes_of(encoded[0]), rec));
    if (!decoder.decode(bytes_of(mutated), rec)) continue;
    if (mutated.empty() || static_cast<uint8_t>(mutated[0]) != kRecordEncodingVersion) continue;
    RecordEncoder encoder;
    std::string ignored, again;
    encoder.encode(batch[0], ignored);
    encoder.encode(rec, again);
    EXPECT_EQ(again, mutated);
  }
}

}  // namespace
}  // namespace c2audit
