#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sample_records.h"
#include "scratch_files.h"
#include "trail/quarantine.h"
#include "trail/seal.h"
#include "trail/segment_format.h"
#include "trail/trail_reader.h"
#include "trail/trail_writer.h"

namespace c2audit {
namespace {

namespace fs = std::filesystem;

using testing_records::kBaseTime;
constexpr uint64_t kSmallSegment = 1024;  // forces many rotations
constexpr mode_t kPermissionBits = 07777;

using testing_files::file_bytes;
using testing_files::write_bytes;

mode_t permissions(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & kPermissionBits;
}

AuditRecord make_record(int i) {
  AuditRecord rec = testing_records::numbered_open(i);
  rec.argv = {"cat", std::string(static_cast<size_t>(i % 17), 'x')};
  return rec;
}

struct ReadBack {
  std::vector<AuditRecord> records;
  std::vector<std::string> warnings;
};

ReadBack read_all(const fs::path& dir) {
  ReadBack out;
  auto reader = TrailReader::open(dir);
  EXPECT_TRUE(reader) << reader.error().message;
  if (!reader) return out;
  auto done = reader->for_each([&](const AuditRecord& rec) {
    out.records.push_back(rec);
    return true;
  });
  EXPECT_TRUE(done) << done.error().message;
  out.warnings = reader->warnings();
  return out;
}

// Offsets of the record frames of one (raw) segment file, found by walking it.
std::vector<size_t> frame_offsets(const fs::path& segment) {
  std::vector<uint8_t> bytes = file_bytes(segment);
  std::vector<size_t> offsets;
  for (size_t offset = sizeof(SegmentHeader);;) {
    FrameScan frame = scan_frame(bytes, offset);
    if (frame.status != FrameStatus::complete) break;
    if (frame.payload[0] == static_cast<uint8_t>(FrameType::record)) offsets.push_back(offset);
    offset = frame.next_offset;
  }
  return offsets;
}

// Offset of the seal frame of a closed (raw) segment: what a crash before
// sealing would leave the file's size at.
size_t seal_offset(const fs::path& segment) {
  std::vector<uint8_t> bytes = file_bytes(segment);
  return bytes.size() - sizeof(FrameHeader) - kSealPayloadBytes;
}

class TrailTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(scratch_.path().empty());
    base_ = scratch_.path();
    dir_ = base_ / "trail";
  }

  // Closed segments stay raw here so tests can look at their bytes.
  TrailOptions options(uint64_t segment_bytes = TrailOptions{}.segment_bytes) {
    TrailOptions o;
    o.dir = dir_;
    o.segment_bytes = segment_bytes;
    o.key_file = base_ / "key" / "host.key";
    o.compress_closed = false;
    return o;
  }

  TrailWriter open_writer(uint64_t segment_bytes = TrailOptions{}.segment_bytes) {
    auto writer = TrailWriter::open(options(segment_bytes));
    EXPECT_TRUE(writer) << writer.error().message;
    return std::move(*writer);
  }

  // Appends records first..last (by make_record index), flushing each: one
  // batch (and tag) per record, as the daemon writes them at low rates.
  void write_range(TrailWriter& writer, int first, int last) {
    for (int i = first; i <= last; ++i) {
      AuditRecord rec = make_record(i);
      ASSERT_TRUE(writer.append(rec));
      EXPECT_EQ(rec.seq, writer.last_seq());
      auto ok = writer.flush();
      ASSERT_TRUE(ok) << ok.error().message;
    }
  }

  // Opening a writer moves `file` into quarantine, with a note saying why.
  void expect_set_aside(const fs::path& file, std::string_view why) {
    TrailWriter writer = open_writer();
    auto notes = writer.take_notes();
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("quarantined " + file.native()), std::string::npos) << notes[0];
    EXPECT_NE(notes[0].find(why), std::string::npos) << notes[0];
    EXPECT_FALSE(fs::exists(file));
    auto quarantined = list_quarantined(dir_);
    ASSERT_TRUE(quarantined);
    ASSERT_EQ(quarantined->size(), 1u);
    EXPECT_TRUE(quarantined->front().filename().native().ends_with(file.filename().native()));
  }

  std::vector<fs::path> segments() {
    auto reader = TrailReader::open(dir_);
    EXPECT_TRUE(reader) << reader.error().message;
    return reader ? reader->segments() : std::vector<fs::path>{};
  }

  testing_files::ScratchDir scratch_{"c2audit-trail"};
  fs::path base_;
  fs::path dir_;
};

void expect_sequence(const std::vector<AuditRecord>& records, uint64_t first_seq) {
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].seq, first_seq + i);
}

TEST(SegmentFormat, FileNameRoundTrips) {
  EXPECT_EQ(segment_file_name(1), "segment-00000000000000000001.c2a");
  EXPECT_EQ(parse_segment_file_name(segment_file_name(1)), 1u);
  EXPECT_EQ(parse_segment_file_name(segment_file_name(UINT64_MAX)), UINT64_MAX);
  EXPECT_FALSE(parse_segment_file_name(".lock"));
  EXPECT_FALSE(parse_segment_file_name("segment-1.c2a"));
  EXPECT_FALSE(parse_segment_file_name("segment-0000000000000000000x.c2a"));
  EXPECT_FALSE(parse_segment_file_name("segment-99999999999999999999.c2a"));  // > UINT64_MAX
}

TEST_F(TrailTest, WriteReadRoundTrip) {
  constexpr int kRecords = 2000;
  {
    TrailWriter writer = open_writer();
    EXPECT_EQ(writer.resume().last_seq, 0u);
    EXPECT_FALSE(writer.resume().torn_tail);
    write_range(writer, 1, kRecords);
    ASSERT_TRUE(writer.sync());
  }
  ReadBack back = read_all(dir_);
  ASSERT_EQ(back.records.size(), static_cast<size_t>(kRecords));
  EXPECT_TRUE(back.warnings.empty());
  for (int i = 1; i <= kRecords; ++i) {
    AuditRecord expected = make_record(i);
    expected.seq = static_cast<uint64_t>(i);
    EXPECT_EQ(back.records[static_cast<size_t>(i - 1)], expected);
  }
  EXPECT_EQ(segments().size(), 1u);
}

// A record too large for a frame is refused, and the records after it are
// still told against the ones before them as a reader sees them.
TEST_F(TrailTest, ARefusedRecordLeavesTheBatchReadable) {
  {
    TrailWriter writer = open_writer();
    write_range(writer, 1, 3);
    AuditRecord huge = make_record(4);
    huge.path.assign(kMaxFramePayload, 'x');
    EXPECT_FALSE(writer.append(huge));
    write_range(writer, 4, 6);
    ASSERT_TRUE(writer.sync());
  }
  ReadBack back = read_all(dir_);
  ASSERT_EQ(back.records.size(), 6u);
  for (int i = 1; i <= 6; ++i) {
    AuditRecord expected = make_record(i);
    expected.seq = static_cast<uint64_t>(i);
    EXPECT_EQ(back.records[static_cast<size_t>(i - 1)], expected);
  }
}

TEST_F(TrailTest, DestructorFlushes) {
  {
    TrailWriter writer = open_writer();
    AuditRecord rec = make_record(1);
    ASSERT_TRUE(writer.append(rec));
  }
  EXPECT_EQ(read_all(dir_).records.size(), 1u);
}

TEST_F(TrailTest, SeqContinuesAcrossReopen) {
  {
    TrailWriter writer = open_writer();
    write_range(writer, 1, 10);
  }
  {
    TrailWriter writer = open_writer();
    EXPECT_EQ(writer.resume().last_seq, 10u);
    EXPECT_EQ(writer.resume().last_time_ns, kBaseTime + 10);
    EXPECT_FALSE(writer.resume().torn_tail);
    EXPECT_FALSE(writer.resume().crashed);
    EXPECT_EQ(writer.last_seq(), 10u);
    write_range(writer, 11, 15);
    // A sealed segment is never reopened: each run starts its own.
    EXPECT_EQ(writer.active_segment().filename(), segment_file_name(11));
  }
  ReadBack back = read_all(dir_);
  ASSERT_EQ(back.records.size(), 15u);
  expect_sequence(back.records, 1);
  EXPECT_EQ(segments().size(), 2u);
}

TEST_F(TrailTest, RotatesIntoSeveralSegmentsInOrder) {
  constexpr int kRecords = 500;
  {
    TrailWriter writer = open_writer(kSmallSegment);
    // Mix one big flush with many small ones.
    write_range(writer, 1, kRecords / 2);
    for (int i = kRecords / 2 + 1; i <= kRecords; ++i) write_range(writer, i, i);
  }
  auto files = segments();
  ASSERT_GT(files.size(), 5u);
  uint64_t expected_first = 1;
  for (const auto& file : files) {
    auto first = parse_segment_file_name(file.filename().native());
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, expected_first) << file;
    expected_first += frame_offsets(file).size();
    EXPECT_LT(fs::file_size(file), kSmallSegment + 400) << "rotation is at record boundaries";
  }
  ReadBack back = read_all(dir_);
  ASSERT_EQ(back.records.size(), static_cast<size_t>(kRecords));
  expect_sequence(back.records, 1);
  EXPECT_TRUE(back.warnings.empty());

  TrailWriter reopened = open_writer(kSmallSegment);
  EXPECT_EQ(reopened.resume().last_seq, static_cast<uint64_t>(kRecords));
}

TEST_F(TrailTest, TornTailStartsNewSegmentAndKeepsOldFile) {
  {
    TrailWriter writer = open_writer();
    write_range(writer, 1, 20);
  }
  fs::path torn = segments().at(0);
  auto offsets = frame_offsets(torn);
  ASSERT_EQ(offsets.size(), 20u);
  // Cut the last record in the middle of its payload.
  ASSERT_EQ(::truncate(torn.c_str(), static_cast<off_t>(offsets.back() + 12)), 0);
  std::vector<uint8_t> before = file_bytes(torn);
  {
    TrailWriter writer = open_writer();
    EXPECT_TRUE(writer.resume().torn_tail);
    EXPECT_EQ(writer.resume().torn_segment, torn.filename().native());
    EXPECT_EQ(writer.resume().last_seq, 19u);
    EXPECT_EQ(writer.resume().last_time_ns, kBaseTime + 19);
    write_range(writer, 20, 24);
    EXPECT_EQ(writer.active_segment().filename(), segment_file_name(20));
  }
  EXPECT_EQ(file_bytes(torn), before);
  ReadBack back = read_all(dir_);
  ASSERT_EQ(back.records.size(), 24u);
  expect_sequence(back.records, 1);
  ASSERT_EQ(back.warnings.size(), 1u);
  EXPECT_NE(back.warnings[0].find(torn.native() + ": offset " + std::to_string(offsets.back())),
            std::string::npos)
      << back.warnings[0];
  EXPECT_NE(back.warnings[0].find("torn write"), std::string::npos);

  // The torn segment is no longer the newest: a further reopen is clean.
  TrailWriter again = open_writer();
  EXPECT_FALSE(again.resume().torn_tail);
  EXPECT_EQ(again.resume().last_seq, 24u);
}

// A batch counts once its tag is written: a crash inside a batch (here,
// after all its records but before its tag) loses the batch, and the next
// run continues after the last tagged one.
TEST_F(TrailTest, RecordsWithNoTagAfterThemAreTornTail) {
  fs::path segment;
  size_t tag_at = 0;
  {
    TrailWriter writer = open_writer();
    write_range(writer, 1, 3);
    for (int i = 4; i <= 9; ++i) {  // one batch of six
      AuditRecord rec = make_record(i);
      ASSERT_TRUE(writer.append(rec));
    }
    ASSERT_TRUE(writer.flush());
    segment = writer.active_segment();
    tag_at = fs::file_size(segment) - sizeof(FrameHeader) - 1 - kDigestBytes;
  }
  ASSERT_EQ(::truncate(segment.c_str(), static_cast<off_t>(tag_at)), 0);
  TrailWriter writer = open_writer();
  EXPECT_TRUE(writer.resume().torn_tail);
  EXPECT_EQ(writer.resume().last_seq, 3u);
  write_range(writer, 4, 5);
  ReadBack back = read_all(dir_);
  ASSERT_EQ(back.records.size(), 5u);
  expect_sequence(back.records, 1);
  ASSERT_EQ(back.warnings.size(), 1u);
  EXPECT_NE(back.warnings[0].find("records with no tag after them"), std::string::npos)
      << back.warnings[0];
}

TEST_F(TrailTest, TornFrameHeaderAndBadFinalCrcAreTornToo) {
  {
    TrailWriter writer = open_writer();
    write_range(writer, 1, 3);
  }
  fs::path segment = segments().at(0);
  std::vector<uint8_t> bytes = file_bytes(segment);
  bytes.resize(seal_offset(segment));  // a crash before the seal
  bytes.back() ^= 0xff;                // crc mismatch on the final frame
  write_bytes(segment, bytes);
  TrailWriter writer = open_writer();
  EXPECT_TRUE(writer.resume().crashed);
  EXPECT_TRUE(writer.resume().torn_tail);
  EXPECT_EQ(writer.resume().last_seq, 2u);
}

TEST_F(TrailTest, TornFirstRecordDoesNotReuseItsName) {
  {
    TrailWriter writer = open_writer();
    write_range(writer, 1, 1);
  }
  fs::path torn = segments().at(0);
  ASSERT_EQ(::truncate(torn.c_str(), sizeof(SegmentHeader) + sizeof(FrameHeader) / 2), 0);
  {
    TrailWriter writer = open_writer();
    EXPECT_TRUE(writer.resume().torn_tail);
    EXPECT_EQ(writer.resume().last_seq, 0u);
    write_range(writer, 2, 2);  // seq 1 was lost in the crash
  }
  ReadBack back = read_all(dir_);
  ASSERT_EQ(back.records.size(), 1u);
  EXPECT_EQ(back.records[0].seq, 2u);
  EXPECT_EQ(back.warnings.size(), 1u);
}

TEST_F(TrailTest, FlippedByteInMiddleRecordIsAnErrorNamingFileAndOffset) {
  {
    TrailWriter writer = open_writer();
    write_range(writer, 1, 10);
  }
  fs::path segment = segments().at(0);
  size_t bad_offset = frame_offsets(segment).at(4);
  std::vector<uint8_t> bytes = file_bytes(segment);
  bytes[bad_offset + sizeof(FrameHeader) + 3] ^= 0x01;
  write_bytes(segment, bytes);

  auto reader = TrailReader::open(dir_);
  ASSERT_TRUE(reader);
  size_t seen = 0;
  auto done = reader->for_each([&](const AuditRecord&) { return ++seen, true; });
  ASSERT_FALSE(done);
  EXPECT_EQ(seen, 4u);
  EXPECT_NE(done.error().message.find(segment.native() + ": offset " + std::to_string(bad_offset)),
            std::string::npos)
      << done.error().message;
  EXPECT_NE(done.error().message.find("crc"), std::string::npos);

  expect_set_aside(segment, "crc");
}

TEST_F(TrailTest, ModesAreRootOnlyWhateverTheUmask) {
  mode_t old_umask = ::umask(0);
  {
    TrailWriter writer = open_writer();
    write_range(writer, 1, 1);
    EXPECT_EQ(permissions(writer.active_segment()), 0600u);  // open: root only
  }
  ::umask(old_umask);
  EXPECT_EQ(permissions(dir_), 0750u);
  EXPECT_EQ(permissions(segments().at(0)), 0640u);  // sealed: the audit group may read
  EXPECT_EQ(permissions(base_ / "key" / "host.key"), 0400u);
}

TEST_F(TrailTest, ReaderFailsOnMissingDirOrFile) {
  auto missing = TrailReader::open(dir_);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find(dir_.native()), std::string::npos);

  fs::path file = base_ / "plain";
  write_bytes(file, {1, 2, 3});
  auto not_dir = TrailReader::open(file);
  ASSERT_FALSE(not_dir);
  EXPECT_NE(not_dir.error().message.find("not a directory"), std::string::npos);
}

TEST_F(TrailTest, EmptyTrailHasNoRecords) {
  fs::create_directory(dir_);
  write_bytes(dir_ / ".lock", {});
  write_bytes(dir_ / "notes.txt", {'h', 'i'});
  ReadBack back = read_all(dir_);
  EXPECT_TRUE(back.records.empty());
  EXPECT_TRUE(back.warnings.empty());
  TrailWriter writer = open_writer();
  EXPECT_EQ(writer.resume().last_seq, 0u);
}

TEST_F(TrailTest, SegmentWithBadHeaderIsNamed) {
  fs::create_directory(dir_);
  fs::path bogus = dir_ / segment_file_name(1);
  write_bytes(bogus, std::vector<uint8_t>(sizeof(SegmentHeader), 'z'));
  auto reader = TrailReader::open(dir_);
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().message.find(bogus.native()), std::string::npos);
  expect_set_aside(bogus, "magic");
}

// Auditing must not stop for one file: a writer sets aside what it cannot
// continue from, says why in a note, and goes on.
TEST_F(TrailTest, WriterSetsAsideWhatItCannotContinue) {
  KeyId key_id{};
  {
    TrailWriter writer = open_writer();
    write_range(writer, 1, 3);
    key_id = writer.key_id();
  }
  fs::create_directory(dir_ / segment_file_name(100));  // not a file
  // A forged empty segment near the end of the seq space: no record or
  // seal authenticates it, and it does not follow its predecessor.
  SegmentHeader forged{};
  forged.first_seq = ~0ull - 2;
  forged.prev_end = PreviousEnd::sealed;
  forged.prev_last_seq = 3;
  forged.key_id = key_id;
  std::string header = encode_segment_header(forged);
  write_bytes(dir_ / segment_file_name(forged.first_seq),
              std::vector<uint8_t>(header.begin(), header.end()));
  TrailWriter writer = open_writer();
  auto notes = writer.take_notes();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("not a regular file"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("does not follow"), std::string::npos) << notes[1];
  EXPECT_EQ(writer.resume().last_seq, 3u);
  write_range(writer, 4, 5);  // the trail goes on after the last trusted record
  EXPECT_EQ(writer.last_seq(), 5u);
  auto quarantined = list_quarantined(dir_);
  ASSERT_TRUE(quarantined);
  EXPECT_EQ(quarantined->size(), 2u);
}

TEST_F(TrailTest, VisitorCanStopEarly) {
  {
    TrailWriter writer = open_writer(kSmallSegment);
    write_range(writer, 1, 100);
  }
  auto reader = TrailReader::open(dir_);
  ASSERT_TRUE(reader);
  size_t seen = 0;
  ASSERT_TRUE(reader->for_each([&](const AuditRecord&) { return ++seen < 7; }));
  EXPECT_EQ(seen, 7u);
}

}  // namespace
}  // namespace c2audit
