#include "record/record_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace c2audit {
namespace {

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

// A record without an object is laid out as records were before objects
// were recorded: the flags byte ends it.
TEST(RecordCodec, ARecordWithoutAnObjectEndsWithTheFlagsByte) {
  AuditRecord rec = full_syscall_record();
  std::string without, with;
  encode_record(rec, without);
  rec.inode = 7;
  encode_record(rec, with);
  EXPECT_EQ(with.size(), without.size() + 4 + 8 + 1);
  EXPECT_EQ(with.substr(0, without.size() - 1), without.substr(0, without.size() - 1));
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
  // version(1) + kind(1) + seq(8) + time(8), then the event length is cut off.
  constexpr size_t kBeforeEvent = 18;
  auto decoded = decode_record(bytes_of(out).first(kBeforeEvent));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("event"), std::string::npos) << decoded.error().message;
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
  // Version, kind, seq, time, then an event length of 2^63 as a varint.
  std::string bytes(1, static_cast<char>(kRecordEncodingVersion));
  bytes += '\x01';
  bytes += std::string(16, '\0');
  bytes += std::string(9, '\xff');
  bytes += '\x7f';
  auto decoded = decode_record(bytes_of(bytes));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("event"), std::string::npos);

  std::string overlong = bytes.substr(0, 18) + std::string(12, '\xff');
  EXPECT_FALSE(decode_record(bytes_of(overlong)));
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
    if (decoded) {
      std::string again;
      encode_record(*decoded, again);
      EXPECT_EQ(again, mutated);  // strict decoding: only exact encodings pass
    }
  }
}

}  // namespace
}  // namespace c2audit
