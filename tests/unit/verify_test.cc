// c2audit verify, on trails written by the real writer and then tampered
// with byte by byte: every case must be named, with file, offset and seq.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/byte_span.h"
#include "record/record_codec.h"
#include "sample_records.h"
#include "scratch_files.h"
#include "trail/hash_chain.h"
#include "trail/host_key.h"
#include "trail/removal_note.h"
#include "trail/seal.h"
#include "trail/segment_format.h"
#include "trail/segment_tail.h"
#include "trail/trail_reader.h"
#include "trail/trail_verifier.h"
#include "trail/trail_writer.h"

namespace c2audit {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kSmallSegment = 2048;

using testing_files::file_bytes;
using testing_files::write_bytes;

AuditRecord make_record(int i) { return testing_records::numbered_open(i); }

struct Frame {
  size_t offset;
  size_t size;  // header + payload
  bool seal;
  uint64_t seq;  // for records
};

std::vector<Frame> frames_of(const fs::path& segment) {
  std::vector<uint8_t> bytes = file_bytes(segment);
  uint32_t version = bytes.at(offsetof(SegmentHeader, version));
  std::vector<Frame> out;
  RecordDecoder decoder;
  AuditRecord rec;
  for (size_t offset = sizeof(SegmentHeader);;) {
    FrameScan frame = scan_frame(bytes, offset);
    if (frame.status != FrameStatus::complete) break;
    bool seal = frame.payload[0] == static_cast<uint8_t>(FrameType::seal);
    bool tag = version > 2 && frame.payload[0] == static_cast<uint8_t>(FrameType::batch_tag);
    if (tag) decoder.start_batch();
    if (!tag) {
      auto record = split_record_frame(frame.payload, version);
      if (!seal) {
        EXPECT_TRUE(decoder.decode(record->encoding, rec));
      }
      out.push_back(Frame{offset, frame.next_offset - offset, seal, seal ? 0 : rec.seq});
    }
    offset = frame.next_offset;
  }
  return out;
}

// Rewrites the crc of the frame at `offset` so that only the chain can tell.
void fix_crc(const fs::path& segment, size_t offset) {
  std::vector<uint8_t> bytes = file_bytes(segment);
  uint32_t length;
  std::memcpy(&length, bytes.data() + offset, sizeof(length));
  std::string header;
  encode_frame_header(std::span<const uint8_t>(bytes.data() + offset + sizeof(FrameHeader), length),
                      header);
  std::memcpy(bytes.data() + offset, header.data(), header.size());
  write_bytes(segment, bytes);
}

void flip(const fs::path& file, size_t offset) {
  std::vector<uint8_t> bytes = file_bytes(file);
  bytes.at(offset) ^= 0x20;
  write_bytes(file, bytes);
}

class VerifyTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(scratch_.path().empty());
    base_ = scratch_.path();
    dir_ = base_ / "trail";
    key_file_ = base_ / "keys" / "host.key";
  }

  TrailOptions options(bool compress = false) {
    TrailOptions o;
    o.dir = dir_;
    o.segment_bytes = kSmallSegment;
    o.key_file = key_file_;
    o.compress_closed = compress;
    return o;
  }

  // Writes records first..last through one writer run (closed: sealed),
  // flushing each: one batch (and tag) per record, as at low rates, so that
  // a finding names one record.
  void write_run(int first, int last, bool compress = false) {
    auto writer = TrailWriter::open(options(compress));
    ASSERT_TRUE(writer) << writer.error().message;
    for (int i = first; i <= last; ++i) {
      AuditRecord rec = make_record(i);
      ASSERT_TRUE(writer->append(rec));
      ASSERT_TRUE(writer->flush());
    }
    ASSERT_TRUE(writer->close());
  }

  VerifyReport verify() {
    auto key = load_host_key(key_file_);
    EXPECT_TRUE(key) << key.error().message;
    auto report = verify_trail(dir_, *key);
    EXPECT_TRUE(report) << report.error().message;
    return report ? *report : VerifyReport{};
  }

  std::vector<fs::path> segments() {
    std::vector<fs::path> out;
    auto listed = list_segments(dir_);
    EXPECT_TRUE(listed);
    if (listed) {
      for (const auto& s : *listed) out.push_back(s.path);
    }
    return out;
  }

  testing_files::ScratchDir scratch_{"c2audit-verify"};
  fs::path base_, dir_, key_file_;
};

void expect_finding(const VerifyReport& r, VerifyStatus status, const fs::path& file, size_t offset,
                    uint64_t seq, const std::string& what) {
  ASSERT_EQ(r.status, status);
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->file, file.filename().native());
  EXPECT_EQ(r.finding->offset, offset);
  EXPECT_EQ(r.finding->seq, seq);
  EXPECT_NE(r.finding->what.find(what), std::string::npos) << r.finding->what;
}

TEST_F(VerifyTest, IntactTrailIsClean) {
  write_run(1, 200);
  write_run(201, 300);
  VerifyReport r = verify();
  EXPECT_EQ(r.status, VerifyStatus::clean);
  EXPECT_FALSE(r.finding);
  EXPECT_GT(r.segments, 5u);
  EXPECT_EQ(r.records, 300u);
  EXPECT_EQ(r.first_seq, 1u);
  EXPECT_EQ(r.last_seq, 300u);
}

TEST_F(VerifyTest, RotationByAgeSealsEachSegment) {
  TrailOptions o = options();
  o.segment_bytes = 1ull << 30;
  o.max_segment_age_ns = 1;  // every append finds the active segment too old
  {
    auto writer = TrailWriter::open(o);
    ASSERT_TRUE(writer);
    for (int i = 1; i <= 5; ++i) {
      AuditRecord rec = make_record(i);
      ASSERT_TRUE(writer->append(rec));
    }
    ASSERT_TRUE(writer->rotate());
    EXPECT_TRUE(writer->close());
  }
  VerifyReport r = verify();
  EXPECT_EQ(r.status, VerifyStatus::clean) << (r.finding ? r.finding->what : "");
  EXPECT_EQ(r.segments, 6u);  // five sealed for rotation, and an empty final one
  EXPECT_EQ(r.records, 5u);
  write_run(6, 7);  // the next run continues after the empty segment
  EXPECT_EQ(verify().status, VerifyStatus::clean);
}

TEST_F(VerifyTest, LastSealMadeForRotationIsACrashBetweenSegments) {
  write_run(1, 200);
  auto files = segments();
  fs::remove(files.back());  // as if the daemon died right after sealing the one before
  fs::path last = files.at(files.size() - 2);
  auto frames = frames_of(last);
  expect_finding(verify(), VerifyStatus::crashed_tail, last, fs::file_size(last),
                 frames.at(frames.size() - 2).seq, "sealed for rotation");
  {
    auto writer = TrailWriter::open(options());
    ASSERT_TRUE(writer);
    EXPECT_TRUE(writer->resume().crashed);
    EXPECT_EQ(writer->resume().crashed_segment, last.filename().native());
    AuditRecord rec = make_record(500);
    ASSERT_TRUE(writer->append(rec));
  }
  EXPECT_EQ(verify().status, VerifyStatus::clean);
}

TEST_F(VerifyTest, CompressedSegmentsVerifyAndReadTransparently) {
  write_run(1, 200, true);
  write_run(201, 220, true);  // compresses the previous run's last segment
  VerifyReport r = verify();
  EXPECT_EQ(r.status, VerifyStatus::clean);
  EXPECT_EQ(r.records, 220u);
  EXPECT_EQ(r.compressed_segments, r.segments - 1);  // all but the newest
  auto reader = TrailReader::open(dir_);
  ASSERT_TRUE(reader) << reader.error().message;
  uint64_t seen = 0;
  ASSERT_TRUE(reader->for_each([&](const AuditRecord& rec) { return rec.seq == ++seen; }));
  EXPECT_EQ(seen, 220u);
  fs::path victim = segments().at(1);
  ASSERT_EQ(victim.extension(), ".zst");
  flip(victim, fs::file_size(victim) / 2);
  VerifyReport bad = verify();
  EXPECT_EQ(bad.status, VerifyStatus::tampered);
  EXPECT_EQ(bad.finding->file, victim.filename().native());
}

TEST_F(VerifyTest, FlippedByteInRecordIsNamed) {
  write_run(1, 200);
  fs::path segment = segments().at(2);
  Frame target = frames_of(segment).at(3);
  flip(segment, target.offset + target.size - 40);
  expect_finding(verify(), VerifyStatus::tampered, segment, target.offset, target.seq,
                 "record modified");
}

TEST_F(VerifyTest, ModifiedRecordWithRecomputedCrcFailsItsTag) {
  write_run(1, 200);
  fs::path segment = segments().at(2);
  Frame target = frames_of(segment).at(3);
  flip(segment, target.offset + target.size - 40);
  fix_crc(segment, target.offset);
  expect_finding(verify(), VerifyStatus::tampered, segment, target.offset, target.seq,
                 "authentication tag mismatch");
}

// Records written in one batch share one tag: a record modified inside it
// is found, and the finding names the batch's first record and range.
TEST_F(VerifyTest, ModifiedRecordInABatchNamesTheBatch) {
  {
    auto writer = TrailWriter::open(options());
    ASSERT_TRUE(writer) << writer.error().message;
    for (int i = 1; i <= 8; ++i) {
      AuditRecord rec = make_record(i);
      ASSERT_TRUE(writer->append(rec));
    }
    ASSERT_TRUE(writer->close());
  }
  fs::path segment = segments().at(0);
  auto frames = frames_of(segment);
  ASSERT_EQ(frames.size(), 9u);  // eight records, then the seal
  Frame target = frames.at(5);
  flip(segment, target.offset + target.size - 1);  // its path's last letter
  fix_crc(segment, target.offset);
  expect_finding(verify(), VerifyStatus::tampered, segment, frames.at(0).offset, 1,
                 "authentication tag mismatch: a record of seq 1-8");
}

// A forged record in the newest segment (its crc made good) does not
// authenticate: the next writer sets the segment aside rather than trust or
// stop at it, continues after the last segment it can trust, and verify
// reports the quarantine.
TEST_F(VerifyTest, WriterSetsAForgedNewestSegmentAsideAndVerifySaysSo) {
  write_run(1, 200);
  fs::path newest = segments().back();
  Frame target = frames_of(newest).at(1);
  flip(newest, target.offset + target.size - 40);
  fix_crc(newest, target.offset);
  {
    auto writer = TrailWriter::open(options());
    ASSERT_TRUE(writer) << writer.error().message;
    auto notes = writer->take_notes();
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("tag does not authenticate"), std::string::npos) << notes[0];
    AuditRecord rec = make_record(500);
    ASSERT_TRUE(writer->append(rec));
    ASSERT_TRUE(writer->close());
  }
  VerifyReport r = verify();
  ASSERT_EQ(r.status, VerifyStatus::tampered);
  ASSERT_TRUE(r.finding);
  EXPECT_TRUE(r.finding->file.starts_with("quarantine/")) << r.finding->file;
  EXPECT_TRUE(r.finding->file.ends_with(newest.filename().native())) << r.finding->file;
  EXPECT_NE(r.finding->what.find("quarantined"), std::string::npos) << r.finding->what;
}

TEST_F(VerifyTest, FlippedByteInSealIsNamed) {
  write_run(1, 200);
  fs::path segment = segments().at(1);
  Frame seal = frames_of(segment).back();
  ASSERT_TRUE(seal.seal);
  flip(segment, seal.offset + 30);
  expect_finding(verify(), VerifyStatus::tampered, segment, seal.offset, 0, "seal");

  fix_crc(segment, seal.offset);  // a forger who fixes the crc still lacks the key
  expect_finding(verify(), VerifyStatus::tampered, segment, seal.offset, 0, "bad seal");
}

TEST_F(VerifyTest, TruncatedMiddleSegmentIsNamed) {
  write_run(1, 200);
  fs::path segment = segments().at(1);
  auto frames = frames_of(segment);
  Frame cut = frames.at(frames.size() / 2);
  ASSERT_EQ(::truncate(segment.c_str(), static_cast<off_t>(cut.offset)), 0);
  expect_finding(verify(), VerifyStatus::tampered, segment, cut.offset, cut.seq, "truncated");
}

TEST_F(VerifyTest, DeletedMiddleSegmentIsNamed) {
  write_run(1, 200);
  auto files = segments();
  auto deleted = frames_of(files.at(2));
  fs::remove(files.at(2));
  expect_finding(verify(), VerifyStatus::tampered, files.at(3), 0, deleted.front().seq,
                 fmt::format("missing segment: seq {}-{}", deleted.front().seq,
                             deleted.at(deleted.size() - 2).seq));
}

TEST_F(VerifyTest, SwappedSegmentsAreNamed) {
  write_run(1, 200);
  auto files = segments();
  fs::path tmp = dir_ / "swap";
  fs::rename(files.at(1), tmp);
  fs::rename(files.at(2), files.at(1));
  fs::rename(tmp, files.at(2));
  VerifyReport r = verify();
  ASSERT_EQ(r.status, VerifyStatus::tampered);
  EXPECT_EQ(r.finding->file, files.at(1).filename().native());
  EXPECT_NE(r.finding->what.find("reordered"), std::string::npos) << r.finding->what;
}

// A frame of `type` with `payload` after its type byte, crc and all.
std::string forged_frame(FrameType type, std::string payload) {
  payload.insert(payload.begin(), static_cast<char>(type));
  std::string frame;
  encode_frame_header(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()),
      frame);
  return frame + payload;
}

TEST_F(VerifyTest, ForgedRecordAppendedAfterTheSealIsNamed) {
  write_run(1, 50);
  fs::path last = segments().back();
  size_t end = fs::file_size(last);
  AuditRecord forged = make_record(51);
  forged.seq = 51;
  std::string encoding;
  encode_record(forged, encoding);
  std::ofstream(last, std::ios::binary | std::ios::app)
      << forged_frame(FrameType::record, encoding)
      << forged_frame(FrameType::batch_tag, std::string(kDigestBytes, 'x'));
  expect_finding(verify(), VerifyStatus::tampered, last, end, 51, "data after the seal");

  // Into an unsealed (crashed) tail instead: the tag gives it away.
  auto frames = frames_of(last);
  size_t seal_at = frames.at(frames.size() - 2).offset;
  std::vector<uint8_t> bytes = file_bytes(last);
  bytes.erase(bytes.begin() + static_cast<long>(seal_at), bytes.begin() + static_cast<long>(end));
  write_bytes(last, bytes);
  expect_finding(verify(), VerifyStatus::tampered, last, seal_at, 51,
                 "authentication tag mismatch");

  // With no tag after it, it is no record at all: a torn write, which
  // neither verify nor search counts.
  ASSERT_EQ(::truncate(last.c_str(), static_cast<off_t>(seal_at + frames.back().size)), 0);
  VerifyReport torn = verify();
  EXPECT_EQ(torn.status, VerifyStatus::crashed_tail);
  EXPECT_EQ(torn.records, 50u);
  auto reader = TrailReader::open(dir_);
  ASSERT_TRUE(reader);
  uint64_t newest = 0;
  ASSERT_TRUE(reader->for_each([&](const AuditRecord& rec) { return newest = rec.seq, true; }));
  EXPECT_EQ(newest, 50u);
}

// Untagged records are held until their tag comes, so a run of them longer
// than any batch the writer makes is refused, not held: by verify, search,
// and the writer continuing the trail (which sets the segment aside).
TEST_F(VerifyTest, AnUntaggedRunLongerThanAnyBatchIsRefused) {
  write_run(1, 5);
  fs::path last = segments().back();
  auto frames = frames_of(last);
  ASSERT_EQ(::truncate(last.c_str(), static_cast<off_t>(frames.back().offset)), 0);  // no seal
  size_t run_at = frames.back().offset;
  std::string run;
  for (int i = 6; run.size() <= kMaxBatchSpan; ++i) {
    AuditRecord rec = make_record(i);
    rec.seq = static_cast<uint64_t>(i);
    std::string encoding;
    encode_record(rec, encoding);
    run += forged_frame(FrameType::record, encoding);
  }
  std::ofstream(last, std::ios::binary | std::ios::app) << run;
  expect_finding(verify(), VerifyStatus::tampered, last, run_at, 6,
                 "records with no tag for longer than any batch");
  auto reader = TrailReader::open(dir_);
  ASSERT_TRUE(reader);
  auto read = reader->for_each([](const AuditRecord&) { return true; });
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("longer than any batch"), std::string::npos)
      << read.error().message;
  auto writer = TrailWriter::open(options());
  ASSERT_TRUE(writer) << writer.error().message;
  auto notes = writer->take_notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("quarantined " + last.native()), std::string::npos) << notes[0];
}

TEST_F(VerifyTest, CrashBeforeSealIsACrashedTailNotTampering) {
  write_run(1, 30);
  fs::path last = segments().back();
  auto frames = frames_of(last);
  Frame seal = frames.back();
  Frame last_record = frames.at(frames.size() - 2);
  ASSERT_EQ(::truncate(last.c_str(), static_cast<off_t>(seal.offset)), 0);
  expect_finding(verify(), VerifyStatus::crashed_tail, last, seal.offset, last_record.seq,
                 "unsealed tail");

  // A write torn mid-record: still a crash, durable up to the record before.
  ASSERT_EQ(::truncate(last.c_str(), static_cast<off_t>(last_record.offset + 10)), 0);
  expect_finding(verify(), VerifyStatus::crashed_tail, last, last_record.offset,
                 last_record.seq - 1, "torn write");

  // The restart links to the last durable record; the trail is clean again.
  {
    auto writer = TrailWriter::open(options());
    ASSERT_TRUE(writer);
    EXPECT_TRUE(writer->resume().crashed);
    EXPECT_TRUE(writer->resume().torn_tail);
    EXPECT_EQ(writer->resume().torn_offset, last_record.offset);
    EXPECT_EQ(writer->resume().last_seq, last_record.seq - 1);
    AuditRecord rec = make_record(99);
    ASSERT_TRUE(writer->append(rec));
    EXPECT_EQ(rec.seq, last_record.seq);
  }
  VerifyReport r = verify();
  EXPECT_EQ(r.status, VerifyStatus::clean) << (r.finding ? r.finding->what : "");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("crashed"), std::string::npos) << r.notes[0];

  // ... unless someone shortens the crashed segment afterwards.
  ASSERT_EQ(::truncate(last.c_str(), static_cast<off_t>(frames.at(2).offset)), 0);
  expect_finding(verify(), VerifyStatus::tampered, last, frames.at(2).offset, frames.at(2).seq,
                 "truncated");
}

TEST_F(VerifyTest, OtherKeyIsNamed) {
  write_run(1, 10);
  fs::remove(key_file_);
  ASSERT_TRUE(load_or_create_host_key(key_file_, dir_));  // a different key
  VerifyReport r = verify();
  ASSERT_EQ(r.status, VerifyStatus::tampered);
  EXPECT_NE(r.finding->what.find("host key"), std::string::npos);
  auto writer = TrailWriter::open(options());
  ASSERT_FALSE(writer);
  EXPECT_NE(writer.error().message.find(key_file_.native()), std::string::npos);
}

// A sealed version-2 segment of records 1..n, a tag in every record frame,
// as c2audit wrote them before 2026-12-02.
void write_version_two_segment(const fs::path& dir, const HostKey& key, int n) {
  auto mac = ChainMac::create(key);
  ASSERT_TRUE(mac);
  SegmentHeader h{};
  h.first_seq = 1;
  h.created_ns = 1700000000000000000;
  h.prev_last_seq = 0;
  h.key_id = key.id;
  std::string out = encode_segment_header(h);
  out[offsetof(SegmentHeader, version)] = 2;
  Seal seal{};
  seal.key_id = key.id;
  seal.first_seq = 1;
  seal.chain_head = mac->next(Digest{}, ChainDomain::header, bytes_of(out));
  for (int i = 1; i <= n; ++i) {
    AuditRecord rec = make_record(i);
    rec.seq = static_cast<uint64_t>(i);
    std::string encoding;
    encode_record(rec, encoding);
    seal.chain_head = mac->next(seal.chain_head, ChainDomain::record, bytes_of(encoding));
    encoding.append(reinterpret_cast<const char*>(seal.chain_head.data()), kDigestBytes);
    out += forged_frame(FrameType::record, encoding);
    seal.last_seq = rec.seq;
    if (seal.record_count++ == 0) seal.first_time_ns = rec.time_ns;
    seal.last_time_ns = rec.time_ns;
  }
  seal.final_seal = true;
  seal.sealed_ns = seal.last_time_ns + 1;
  authenticate_seal(*mac, seal);
  std::string payload = encode_seal(seal);
  encode_frame_header(bytes_of(payload), out);
  out += payload;
  fs::create_directories(dir);
  std::ofstream(dir / segment_file_name(1), std::ios::binary) << out;
}

// Trails written before batch tags still read and verify, and a writer
// continues them with version-3 segments linked to the old seal.
TEST_F(VerifyTest, VersionTwoSegmentsStillVerifyAndAreContinued) {
  auto key = load_or_create_host_key(key_file_, dir_);
  ASSERT_TRUE(key) << key.error().message;
  write_version_two_segment(dir_, *key, 12);
  VerifyReport old = verify();
  EXPECT_EQ(old.status, VerifyStatus::clean) << (old.finding ? old.finding->what : "");
  EXPECT_EQ(old.records, 12u);
  write_run(13, 40);
  VerifyReport both = verify();
  EXPECT_EQ(both.status, VerifyStatus::clean) << (both.finding ? both.finding->what : "");
  EXPECT_EQ(both.records, 40u);
  auto reader = TrailReader::open(dir_);
  ASSERT_TRUE(reader);
  uint64_t expected = 1;
  ASSERT_TRUE(reader->for_each([&](const AuditRecord& rec) {
    EXPECT_EQ(rec.seq, expected++);
    return true;
  }));
  EXPECT_EQ(expected, 41u);

  // A modified record of the old segment is still named exactly.
  Frame target = frames_of(segments().at(0)).at(4);
  flip(segments().at(0), target.offset + target.size - 40);
  fix_crc(segments().at(0), target.offset);
  expect_finding(verify(), VerifyStatus::tampered, segments().at(0), target.offset, 5,
                 "authentication tag mismatch: record modified or forged");
}

TEST_F(VerifyTest, UnknownVersionIsAnErrorNamingTheFile) {
  write_run(1, 10);
  fs::path segment = segments().at(0);
  std::vector<uint8_t> bytes = file_bytes(segment);
  bytes[offsetof(SegmentHeader, version)] = 9;
  write_bytes(segment, bytes);
  auto key = load_host_key(key_file_);
  auto report = verify_trail(dir_, *key);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find(segment.native()), std::string::npos);
  EXPECT_NE(report.error().message.find("unsupported segment version 9"), std::string::npos);
  auto reader = TrailReader::open(dir_);
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().message.find(segment.native() + ": unsupported segment version 9"),
            std::string::npos)
      << reader.error().message;
}

TEST_F(VerifyTest, RemovalAnnouncedInTheTrailExplainsAMissingHead) {
  write_run(1, 100);
  auto files = segments();
  fs::path first = files.at(0);
  auto frames = frames_of(first);
  std::vector<uint8_t> bytes = file_bytes(first);
  auto seal = decode_seal(
      std::span<const uint8_t>(bytes).subspan(frames.back().offset + sizeof(FrameHeader)));
  ASSERT_TRUE(seal);
  {
    auto writer = TrailWriter::open(options());
    AuditRecord note = make_record(0);
    note.kind = RecordKind::daemon;
    note.event = "daemon";
    note.message =
        format_removal({first.filename().native(), seal->first_seq, seal->last_seq, seal->mac},
                       "disk_full rotate-oldest");
    ASSERT_TRUE(writer->append(note));
  }
  fs::remove(first);
  VerifyReport r = verify();
  EXPECT_EQ(r.status, VerifyStatus::clean) << (r.finding ? r.finding->what : "");
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes.back().find("removed"), std::string::npos);

  fs::remove(files.at(1));  // not announced
  expect_finding(verify(), VerifyStatus::tampered, files.at(2), 0,
                 frames_of(files.at(2))[0].seq - 1, "missing segment");
}

TEST(RemovalNote, RoundTrips) {
  RemovalNote note{"segment-00000000000000000001.c2a", 1, 500, {}};
  note.seal[3] = 0xab;
  auto parsed = parse_removal(format_removal(note, "disk_full rotate-oldest"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->file, note.file);
  EXPECT_EQ(parsed->last_seq, 500u);
  EXPECT_EQ(parsed->seal, note.seal);
  EXPECT_FALSE(parse_removal("c2auditd 12 started"));
}

TEST(HostKeyTest, RefusesKeysOthersCanReadAndKeysInsideTheTrail) {
  testing_files::ScratchDir scratch("c2audit-key");
  fs::path base = scratch.path();
  auto inside = load_or_create_host_key(base / "trail" / "k", base / "trail");
  ASSERT_FALSE(inside);
  EXPECT_NE(inside.error().message.find("outside the trail"), std::string::npos);
  auto key = load_or_create_host_key(base / "k", base / "trail");
  ASSERT_TRUE(key) << key.error().message;
  auto again = load_host_key(base / "k");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->secret, key->secret);
  fs::permissions(base / "k", fs::perms::group_read, fs::perm_options::add);
  auto exposed = load_host_key(base / "k");
  ASSERT_FALSE(exposed);
  EXPECT_NE(exposed.error().message.find("readable by group or others"), std::string::npos);
  auto missing = load_host_key(base / "none");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find((base / "none").native()), std::string::npos);
  fs::remove_all(base);
}

}  // namespace
}  // namespace c2audit
