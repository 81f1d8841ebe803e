// Trails written by several consumers: one stream per consumer, seqs from
// one counter. Written by the real writers, read and verified by the real
// reader and verifier, then damaged the ways an intruder would.
#include "trail/trail_streams.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "scratch_files.h"
#include "trail/host_key.h"
#include "trail/run_marker.h"
#include "trail/seal.h"
#include "trail/segment_format.h"
#include "trail/trail_open.h"
#include "trail/trail_reader.h"
#include "trail/trail_verifier.h"
#include "trail/trail_writer.h"

namespace c2audit {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kBaseTime = 1'700'000'000'000'000'000;
constexpr uint64_t kSmallSegment = 512;  // several segments per stream

AuditRecord make_record(int64_t time_offset) {
  AuditRecord rec;
  rec.time_ns = kBaseTime + time_offset;
  rec.event = "openat";
  rec.event_class = "file.read";
  rec.pid = 1000;
  rec.path = "/etc/file-" + std::to_string(time_offset);
  return rec;
}

class TrailStreamsTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(scratch_.path().empty());
    dir_ = scratch_.path() / "trail";
    key_file_ = scratch_.path() / "key" / "host.key";
  }

  TrailOptions stream_options(unsigned index, unsigned streams, const SharedSeq& seq) {
    TrailOptions o;
    o.dir = stream_dir(dir_, index);
    o.segment_bytes = kSmallSegment;
    o.key_file = key_file_;
    o.compress_closed = false;
    if (streams > 1) {
      o.stream = static_cast<uint16_t>(index);
      o.streams = static_cast<uint16_t>(streams);
      o.shared_seq = seq;
    }
    return o;
  }

  // One run of a daemon with `streams` consumers: each stream begins with
  // the run's marker, as the daemon's do; then writer k appends the records
  // whose time offset is k modulo streams, interleaved as threads would,
  // `count` in all; then every stream is closed.
  void run(unsigned streams, int first, int count) {
    auto seq = std::make_shared<std::atomic<uint64_t>>(0);
    std::vector<TrailWriter> writers;
    for (unsigned index = 0; index < streams; ++index) {
      auto writer = TrailWriter::open(stream_options(index, streams, seq));
      ASSERT_TRUE(writer) << writer.error().message;
      writers.push_back(std::move(*writer));
    }
    ++runs_;
    for (unsigned index = 0; streams > 1 && index < streams; ++index) {
      AuditRecord marker = make_record(first);
      marker.kind = RecordKind::daemon;
      marker.event = "daemon";
      marker.message = "started; " + format_run_marker({runs_, index, streams});
      ASSERT_TRUE(writers[index].append(marker));
    }
    for (int i = first; i < first + count; ++i) {
      AuditRecord rec = make_record(i);
      ASSERT_TRUE(writers[static_cast<unsigned>(i) % streams].append(rec));
    }
    for (auto& writer : writers) ASSERT_TRUE(writer.close());
  }

  VerifyReport verify() {
    auto key = load_host_key(key_file_);
    EXPECT_TRUE(key) << key.error().message;
    auto report = verify_trail(dir_, *key);
    EXPECT_TRUE(report) << report.error().message;
    return report ? *report : VerifyReport{};
  }

  std::vector<AuditRecord> read_all() {
    std::vector<AuditRecord> out;
    auto reader = TrailReader::open(dir_);
    EXPECT_TRUE(reader) << reader.error().message;
    if (!reader) return out;
    auto done = reader->for_each([&](const AuditRecord& rec) {
      out.push_back(rec);
      return true;
    });
    EXPECT_TRUE(done) << done.error().message;
    return out;
  }

  std::vector<fs::path> segments_of(unsigned stream) {
    auto listed = list_segments(stream_dir(dir_, stream));
    EXPECT_TRUE(listed);
    std::vector<fs::path> out;
    for (const auto& s : *listed) out.push_back(s.path);
    return out;
  }

  // What the daemon does at start with --consumers 1.
  Result<OpenedTrail> open_with_one_consumer() {
    auto seq = std::make_shared<std::atomic<uint64_t>>(0);
    auto make = [](std::string message) {
      AuditRecord rec = make_record(0);
      rec.kind = RecordKind::daemon;
      rec.message = std::move(message);
      return rec;
    };
    TrailOptions options = stream_options(0, 1, seq);
    options.dir = dir_;
    return open_trail(options, StoragePolicy{}, make, 1, seq);
  }

  size_t events() {
    size_t n = 0;
    for (const auto& rec : read_all()) n += rec.kind == RecordKind::syscall;
    return n;
  }

  testing_files::ScratchDir scratch_{"c2audit-streams"};
  fs::path dir_;
  fs::path key_file_;
  uint64_t runs_ = 0;
};

TEST_F(TrailStreamsTest, ReadsStreamsMergedByTimeWithUniqueSeqs) {
  run(3, 0, 300);
  EXPECT_GT(segments_of(1).size(), 1u);
  auto records = read_all();
  ASSERT_EQ(records.size(), 303u);  // and the run's 3 markers
  int64_t last_time = 0;
  for (const auto& rec : records) {
    EXPECT_GE(rec.time_ns, last_time);
    last_time = rec.time_ns;
  }
  EXPECT_EQ(events(), 300u);
  std::vector<uint64_t> seqs;
  for (const auto& rec : records) seqs.push_back(rec.seq);
  std::sort(seqs.begin(), seqs.end());
  EXPECT_EQ(std::adjacent_find(seqs.begin(), seqs.end()), seqs.end()) << "a seq used twice";
  EXPECT_EQ(seqs.front(), 1u);
  EXPECT_EQ(seqs.back(), 303u);

  VerifyReport report = verify();
  EXPECT_EQ(report.status, VerifyStatus::clean) << report.finding->what;
  EXPECT_EQ(report.records, 303u);
  EXPECT_EQ(report.first_seq, 1u);
  EXPECT_EQ(report.last_seq, 303u);
}

TEST_F(TrailStreamsTest, RunsWithOneAndThenSeveralConsumersStayOneTrail) {
  run(1, 0, 50);  // the classic trail: contiguous seqs, no stream directory
  EXPECT_FALSE(fs::exists(stream_dir(dir_, 1)));
  run(2, 50, 100);  // continues after seq 50 in both streams
  run(2, 150, 10);
  auto records = read_all();
  ASSERT_EQ(records.size(), 164u);  // and two runs' 2 markers
  EXPECT_EQ(events(), 160u);
  uint64_t newest = 0;
  for (const auto& rec : records) newest = std::max(newest, rec.seq);
  EXPECT_EQ(newest, 164u);
  VerifyReport report = verify();
  EXPECT_EQ(report.status, VerifyStatus::clean) << report.finding->what;
  EXPECT_EQ(report.records, 164u);
}

TEST_F(TrailStreamsTest, StreamRemovedWholeIsTampering) {
  run(2, 0, 100);
  fs::remove_all(stream_dir(dir_, 1));
  VerifyReport report = verify();
  ASSERT_EQ(report.status, VerifyStatus::tampered);
  EXPECT_NE(report.finding->what.find("missing stream"), std::string::npos) << report.finding->what;
}

TEST_F(TrailStreamsTest, SegmentRemovedFromAStreamIsTampering) {
  run(2, 0, 200);
  auto segments = segments_of(1);
  ASSERT_GT(segments.size(), 2u);
  fs::remove(segments[1]);
  VerifyReport report = verify();
  ASSERT_EQ(report.status, VerifyStatus::tampered);
  EXPECT_EQ(report.finding->file.rfind("stream-1/", 0), 0u) << report.finding->file;
  EXPECT_NE(report.finding->what.find("missing segment: stream-1/"), std::string::npos)
      << report.finding->what;
}

TEST_F(TrailStreamsTest, SegmentMovedToAnotherStreamIsTampering) {
  run(2, 0, 200);
  auto from = segments_of(1).back();
  fs::rename(from, stream_dir(dir_, 0) / from.filename());
  VerifyReport report = verify();
  ASSERT_EQ(report.status, VerifyStatus::tampered);
  EXPECT_NE(report.finding->what.find("stream 1 found in stream 0"), std::string::npos)
      << report.finding->what;
}

TEST_F(TrailStreamsTest, NewestSegmentOfAStreamRemovedIsNoCleanTrail) {
  run(2, 0, 200);
  auto segments = segments_of(1);
  fs::remove(segments.back());  // its predecessor was sealed for rotation
  VerifyReport report = verify();
  EXPECT_NE(report.status, VerifyStatus::clean);
}

TEST_F(TrailStreamsTest, StreamThatIsALinkIsRefused) {
  run(2, 0, 10);
  fs::path elsewhere = scratch_.path() / "elsewhere";
  fs::create_directory(elsewhere);
  fs::create_directory_symlink(elsewhere, stream_dir(dir_, 2));
  auto streams = list_streams(dir_);
  ASSERT_FALSE(streams);
  EXPECT_NE(streams.error().message.find("stream-2"), std::string::npos);
  auto seq = std::make_shared<std::atomic<uint64_t>>(0);
  auto writer = TrailWriter::open(stream_options(2, 3, seq));
  EXPECT_FALSE(writer) << "a writer followed a link for its stream directory";
}

TEST_F(TrailStreamsTest, OneStreamsPartOfTheNewestRunRemovedIsTampering) {
  run(2, 0, 200);
  size_t kept = segments_of(1).size();
  run(2, 200, 200);
  auto segments = segments_of(1);
  for (size_t i = kept; i < segments.size(); ++i) fs::remove(segments[i]);
  VerifyReport report = verify();
  ASSERT_EQ(report.status, VerifyStatus::tampered);
  EXPECT_NE(report.finding->what.find("missing run: stream 0 says run 2 wrote 2 streams, but "
                                      "stream 1 holds none"),
            std::string::npos)
      << report.finding->what;
}

// A header naming more streams than a trail can have (its fields are u16)
// is refused, not used to index the streams.
TEST_F(TrailStreamsTest, HeaderNamingTooManyStreamsIsRefused) {
  run(2, 0, 10);
  fs::path first = segments_of(0).front();
  std::vector<uint8_t> bytes = testing_files::file_bytes(first);
  uint16_t streams = 60000;
  std::memcpy(bytes.data() + offsetof(SegmentHeader, streams), &streams, sizeof streams);
  testing_files::write_bytes(first, bytes);
  VerifyReport report = verify();
  ASSERT_EQ(report.status, VerifyStatus::tampered);
  EXPECT_NE(report.finding->what.find("bad stream 0 of 60000"), std::string::npos)
      << report.finding->what;
}

TEST_F(TrailStreamsTest, RunMarkersRoundTrip) {
  RunMarker marker{1764567890123456789u, 3, 8};
  auto parsed = parse_run_marker("c2auditd 42 started; " + format_run_marker(marker) + "; more");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->run, marker.run);
  EXPECT_EQ(parsed->stream, 3u);
  EXPECT_EQ(parsed->streams, 8u);
  EXPECT_FALSE(parse_run_marker("a run of bad luck: stream 9 of 2"));
  EXPECT_FALSE(parse_run_marker("run 5: stream 2 of 2"));  // no stream 2 of 2
}

// A start that made stream directories and then failed leaves them empty;
// a later run with fewer consumers must not count them.
TEST_F(TrailStreamsTest, EmptyStreamDirectoriesLeftByAFailedStartAreNotCounted) {
  fs::create_directories(stream_dir(dir_, 3));
  auto trail = open_with_one_consumer();
  ASSERT_TRUE(trail) << trail.error().message;
  AuditRecord rec = make_record(1);
  ASSERT_TRUE(trail->keepers[0].append(rec));
  ASSERT_TRUE(trail->keepers[0].close());
  VerifyReport report = verify();
  EXPECT_EQ(report.status, VerifyStatus::clean) << report.finding->what;
}

// A stream no consumer continues after a crash is ended cleanly by the
// next start, not left a crashed tail for good.
TEST_F(TrailStreamsTest, CrashedStreamThatNoConsumerContinuesIsEndedCleanly) {
  run(2, 0, 100);
  fs::path last = segments_of(1).back();
  std::vector<uint8_t> bytes = testing_files::file_bytes(last);
  bytes.resize(bytes.size() - sizeof(FrameHeader) - kSealPayloadBytes);  // the crash: no seal
  testing_files::write_bytes(last, bytes);
  ASSERT_EQ(verify().status, VerifyStatus::crashed_tail);

  auto trail = open_with_one_consumer();
  ASSERT_TRUE(trail) << trail.error().message;
  ASSERT_EQ(trail->keepers.size(), 1u);
  AuditRecord rec = make_record(500);
  ASSERT_TRUE(trail->keepers[0].append(rec));
  EXPECT_GT(rec.seq, 102u);  // past every seq of both streams
  ASSERT_TRUE(trail->keepers[0].close());
  VerifyReport report = verify();
  EXPECT_EQ(report.status, VerifyStatus::clean) << report.finding->what;
}

}  // namespace
}  // namespace c2audit
