// The forwarder's parts that need no collector: following a trail as it is
// written (real segments, rotated, compressed, crashed), the cursor file,
// destinations, and the syslog message forms.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "forward/forward_cursor.h"
#include "forward/forward_destination.h"
#include "forward/stream_follower.h"
#include "forward/syslog_message.h"
#include "record/record_codec.h"
#include "sample_records.h"
#include "scratch_files.h"
#include "trail/segment_format.h"
#include "trail/trail_writer.h"

namespace c2audit {
namespace {

namespace fs = std::filesystem;
using testing_files::ScratchDir;

using testing_records::numbered_open;

class FollowerTest : public ::testing::Test {
 protected:
  TrailOptions options(bool compress) const {
    TrailOptions o;
    o.dir = scratch_.path() / "trail";
    o.segment_bytes = 512;  // a rotation every dozen records or so
    o.key_file = scratch_.path() / "host.key";
    o.compress_closed = compress;
    return o;
  }

  TrailWriter writer(bool compress = false) {
    auto opened = TrailWriter::open(options(compress));
    EXPECT_TRUE(opened) << opened.error().message;
    return std::move(*opened);
  }

  static void append(TrailWriter& w, int from, int to) {
    for (int i = from; i < to; ++i) {
      AuditRecord rec = numbered_open(i);
      ASSERT_TRUE(w.append(rec));
    }
    ASSERT_TRUE(w.flush());
  }

  // Every record the follower has now, by seq.
  static std::vector<uint64_t> drain(StreamFollower& follower) {
    std::vector<uint64_t> seqs;
    while (true) {
      auto next = follower.next();
      EXPECT_TRUE(next) << next.error().message;
      if (!next || !*next) return seqs;
      seqs.push_back((*next)->seq);
    }
  }

  static std::vector<uint64_t> range(uint64_t first, uint64_t last) {
    std::vector<uint64_t> out;
    for (uint64_t s = first; s <= last; ++s) out.push_back(s);
    return out;
  }

  ScratchDir scratch_{"c2audit-forward"};
};

TEST_F(FollowerTest, FollowsTheActiveSegmentAsItGrowsAndOnThroughRotations) {
  TrailWriter w = writer();
  StreamFollower follower(options(false).dir, {});
  EXPECT_TRUE(drain(follower).empty());
  append(w, 0, 5);
  EXPECT_EQ(drain(follower), range(1, 5));
  append(w, 5, 100);  // many segments, sealed behind the follower
  EXPECT_EQ(drain(follower), range(6, 100));
  ASSERT_TRUE(w.close());
  EXPECT_TRUE(drain(follower).empty());
}

TEST_F(FollowerTest, ReadsSegmentsCompressedBeforeItGotToThem) {
  {
    TrailWriter w = writer(/*compress=*/true);
    append(w, 0, 80);
    ASSERT_TRUE(w.close());
  }
  bool compressed = false;
  for (const auto& entry : fs::directory_iterator(options(true).dir)) {
    compressed = compressed || entry.path().native().ends_with(".zst");
  }
  ASSERT_TRUE(compressed);
  StreamFollower follower(options(true).dir, {});
  EXPECT_EQ(drain(follower), range(1, 80));
  // Resumed in the middle of a compressed segment: decompressed up to there.
  StreamFollower first(options(true).dir, {});
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(first.next());
  StreamFollower resumed(options(true).dir, first.position());
  EXPECT_EQ(drain(resumed), range(31, 80));
}

TEST_F(FollowerTest, ACompressedSegmentCutShortIsAnError) {
  {
    TrailWriter w = writer(/*compress=*/true);
    append(w, 0, 40);
    ASSERT_TRUE(w.close());
  }
  fs::path cut;
  for (const auto& entry : fs::directory_iterator(options(true).dir)) {
    if (entry.path().native().ends_with(".zst")) cut = entry.path();
  }
  ASSERT_FALSE(cut.empty());
  fs::resize_file(cut, fs::file_size(cut) / 2);
  StreamFollower follower(options(true).dir, {});
  Result<std::optional<AuditRecord>> next;
  for (int i = 0; i < 100 && (next = follower.next()) && *next; ++i) {
  }
  ASSERT_FALSE(next);
  EXPECT_NE(next.error().message.find(cut.filename().native()), std::string::npos) << next.error().message;
}

TEST_F(FollowerTest, ResumesFromAPositionWithoutHandingOnAnythingTwice) {
  TrailWriter w = writer();
  append(w, 0, 40);
  StreamFollower first(options(false).dir, {});
  for (int i = 0; i < 17; ++i) ASSERT_TRUE(first.next());
  StreamPosition at = first.position();
  EXPECT_EQ(at.last_seq, 17u);
  StreamFollower resumed(options(false).dir, at);
  EXPECT_EQ(drain(resumed), range(18, 40));
  // A position whose offset is no use (a segment replaced by its compressed
  // form keeps offsets; a damaged cursor may not) resumes by seq.
  StreamFollower by_seq(options(false).dir, {at.segment, 1, at.last_seq});
  EXPECT_EQ(drain(by_seq), range(18, 40));
}

TEST_F(FollowerTest, PassesOverACrashedSegmentsTornTailToTheNextRun) {
  fs::path dir = options(false).dir, crashed = scratch_.path() / "crashed";
  {
    TrailWriter w = writer();
    append(w, 0, 5);
    // What a crash leaves: the segment as it stood, unsealed, and half a
    // frame after it.
    fs::create_directories(crashed);
    fs::copy(w.active_segment(), crashed / w.active_segment().filename());
    std::ofstream(crashed / w.active_segment().filename(), std::ios::app | std::ios::binary)
        << std::string("\x40\x00\x00\x00\x01", 5);
  }
  fs::remove_all(dir);
  fs::rename(crashed, dir);
  TrailWriter next_run = writer();  // starts a new segment after the crashed one
  append(next_run, 5, 10);
  StreamFollower follower(dir, {});
  EXPECT_EQ(drain(follower), range(1, 10));
  auto warnings = follower.take_warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("torn write"), std::string::npos) << warnings[0];
}

TEST_F(FollowerTest, DamageACrashCannotExplainIsAnErrorNamingFileAndOffset) {
  fs::path segment;
  {
    TrailWriter w = writer();
    append(w, 0, 5);
    segment = w.active_segment();
    ASSERT_TRUE(w.close());
  }
  auto bytes = testing_files::file_bytes(segment);
  bytes[120] ^= 0xff;  // inside the first record frame, with frames after it
  testing_files::write_bytes(segment, bytes);
  StreamFollower follower(options(false).dir, {});
  auto next = follower.next();
  ASSERT_FALSE(next);
  EXPECT_NE(next.error().message.find(segment.filename().native()), std::string::npos) << next.error().message;
  EXPECT_NE(next.error().message.find("offset"), std::string::npos) << next.error().message;
}

// Records are handed on once their batch's tag is there, so the follower
// holds an untagged run while it waits; one longer than any batch the
// writer makes (appended to the active segment by someone else) is an
// error, not a run it keeps reading into memory.
TEST_F(FollowerTest, AnUntaggedRunLongerThanAnyBatchIsAnErrorNotHeld) {
  TrailWriter w = writer();
  append(w, 0, 5);
  fs::path segment = w.active_segment();
  std::string run;
  for (int i = 5; run.size() <= kMaxBatchSpan; ++i) {
    AuditRecord rec = numbered_open(i);
    rec.seq = static_cast<uint64_t>(i + 1);
    std::string payload(1, static_cast<char>(FrameType::record));
    encode_record(rec, payload);
    encode_frame_header(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()),
        run);
    run += payload;
  }
  std::ofstream(segment, std::ios::binary | std::ios::app) << run;
  StreamFollower follower(options(false).dir, {});
  std::vector<uint64_t> seqs;
  Result<std::optional<AuditRecord>> next;
  for (next = follower.next(); next && *next; next = follower.next()) seqs.push_back((*next)->seq);
  EXPECT_EQ(seqs, range(1, 5));
  ASSERT_FALSE(next);
  EXPECT_NE(next.error().message.find("longer than any batch"), std::string::npos)
      << next.error().message;
}

TEST(ForwardCursor, RoundTripsThroughItsFile) {
  ScratchDir scratch("c2audit-cursor");
  ForwardCursor cursor{"relp+tls://collector:2514", {{0, {1, 4096, 77}}, {3, {50, 88, 60}}}};
  fs::path file = scratch.path() / cursor_file_name("collector", 2514);
  EXPECT_EQ(file.filename(), "forward-collector-2514.cursor");
  ASSERT_TRUE(save_cursor(file, cursor));
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = load_cursor(file);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(*loaded, cursor);
  auto missing = load_cursor(scratch.path() / "none.cursor");
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->streams.empty());
}

TEST(ForwardCursor, RefusesADamagedFileNamingTheLine) {
  struct Case {
    std::string text, says;
  } cases[] = {
      {"", "line 1: ends before 'destination'"},
      {"c2audit forward cursor 2\n", "line 1: not a forward cursor"},
      {"c2audit forward cursor 1\ndestination x\nstream 0 segment 1 offset 2\n", "line 3: expected"},
      {"c2audit forward cursor 1\ndestination x\nstream 0 segment 1 offset 2 seq -3\n", "line 3: not a number"},
      {"c2audit forward cursor 1\ndestination x\nstream 300 segment 1 offset 2 seq 3\n", "line 3: stream 300"},
      {"c2audit forward cursor 1\ndestination x\nstream 1 segment 1 offset 2 seq 3\nstream 1 segment 1 offset 2 seq 3\n",
       "line 4: stream 1 named twice"},
      {"c2audit forward cursor 1\ndestination x", "line 2: no newline"},
      {"c2audit forward cursor 1\ndestination x\nhello\n", "line 3: expected 'stream ...'"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_cursor(c.text);
    ASSERT_FALSE(parsed) << c.text;
    EXPECT_NE(parsed.error().message.find(c.says), std::string::npos) << parsed.error().message;
  }
}

TEST(ForwardCursor, DoesNotFollowALinkPlantedInItsPlace) {
  ScratchDir scratch("c2audit-cursor");
  fs::path elsewhere = scratch.path() / "elsewhere";
  std::ofstream(elsewhere) << "c2audit forward cursor 1\ndestination x\n";
  fs::path file = scratch.path() / "forward-x-1.cursor";
  fs::create_symlink(elsewhere, file);
  EXPECT_FALSE(load_cursor(file));
  // Saving replaces the link itself; the file it pointed at is untouched.
  ASSERT_TRUE(save_cursor(file, ForwardCursor{"y", {}}));
  EXPECT_FALSE(fs::is_symlink(file));
  std::ifstream in(elsewhere);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "c2audit forward cursor 1\ndestination x\n");
}

Result<ForwardDestination> parse(const std::string& url, std::string ca = {}, std::string peer = {},
                                 bool plaintext = false) {
  ForwardFlags f;
  f.ca_file = std::move(ca);
  f.peer = std::move(peer);
  f.plaintext = plaintext;
  return parse_destination(url, f);
}

TEST(ForwardDestination, ReadsTheUrlsAnAdministratorWrites) {
  ScratchDir scratch("c2audit-destination");
  fs::path ca = scratch.path() / "ca.pem";
  std::ofstream(ca) << "not checked here";
  auto tls = parse("relp+tls://logs.example.org", ca.native());
  ASSERT_TRUE(tls) << tls.error().message;
  EXPECT_TRUE(tls->tls);
  EXPECT_EQ(tls->transport, Transport::relp);
  EXPECT_EQ(tls->host, "logs.example.org");
  EXPECT_EQ(tls->port, kDefaultRelpPort);
  EXPECT_EQ(tls->peer, "logs.example.org");
  auto v6 = parse("relp://[::1]:7514");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 7514);
  EXPECT_FALSE(v6->tls);
  auto named = parse("relp+tls://10.0.0.5:2514", ca.native(), "logs");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->peer, "logs");
  EXPECT_TRUE(parse("relp://10.0.0.5", {}, {}, /*plaintext=*/true));
  auto syslog_tls = parse("syslog+tls://logs.example.org", ca.native());
  ASSERT_TRUE(syslog_tls) << syslog_tls.error().message;
  EXPECT_EQ(syslog_tls->transport, Transport::syslog);
  EXPECT_TRUE(syslog_tls->tls);
  EXPECT_EQ(syslog_tls->port, kDefaultSyslogTlsPort);
  auto syslog = parse("syslog://127.0.0.1");
  ASSERT_TRUE(syslog) << syslog.error().message;
  EXPECT_FALSE(syslog->tls);
  EXPECT_EQ(syslog->port, kDefaultSyslogPort);
}

TEST(ForwardDestination, RefusesWhatCannotWorkNamingTheFlag) {
  struct Case {
    std::string url, ca, says;
  } cases[] = {
      {"relp://[::1", "", "'[' without ']'"},
      {"relp://host:", "", "':' without a port"},
      {"relp://host:0", "", "port '0'"},
      {"relp://::1", "", "[brackets]"},
      {"relp://", "", "no host"},
      {"relp://ho st", "", "a character"},
      {"relp://127.0.0.1", "/x", "did you mean relp+tls"},
      {"syslog://127.0.0.1", "/x", "did you mean syslog+tls"},
      {"relp://logs.example.org", "", "in clear"},
      {"syslog://logs.example.org", "", "in clear"},
      {"syslog+tls://logs.example.org", "", "needs --forward-ca"},
      {"tcp://logs", "", "--forward tcp://logs: not relp+tls://"},
  };
  for (const auto& c : cases) {
    auto parsed = parse(c.url, c.ca);
    ASSERT_FALSE(parsed) << c.url;
    EXPECT_NE(parsed.error().message.find(c.says), std::string::npos) << parsed.error().message;
  }
  EXPECT_TRUE(is_loopback_host("127.3.4.5"));
  EXPECT_FALSE(is_loopback_host("128.0.0.1"));
}

TEST(ForwardDestination, SeveralCollectorsEachOnceAndAllCheckedAtStart) {
  ForwardFlags f;
  f.urls = {"relp://127.0.0.1:2514", "syslog://127.0.0.1:514"};
  auto both = parse_destinations(f);
  ASSERT_TRUE(both) << both.error().message;
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[1].transport, Transport::syslog);
  f.urls.push_back("syslog://127.0.0.1:2514");  // the first one's host and port: one cursor file
  auto twice = parse_destinations(f);
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("the same collector as --forward relp://127.0.0.1:2514"), std::string::npos)
      << twice.error().message;
  f.urls = {"relp://127.0.0.1", "relp://192.0.2.1"};  // the second is refused: nothing starts
  EXPECT_FALSE(parse_destinations(f));
  f.urls = {"relp://127.0.0.1:1", "relp://127.0.0.1:2"};
  f.peer = "logs";  // one name for two collectors' certificates: refused
  auto peer = parse_destinations(f);
  ASSERT_FALSE(peer);
  EXPECT_NE(peer.error().message.find("--forward-peer"), std::string::npos);
}

AuditRecord odd_record() {
  AuditRecord rec = numbered_open(7);
  rec.seq = 42;
  rec.path = "/tmp/a\tb|c=d\\e\nf";
  rec.criticality = "high";
  return rec;
}

TEST(SyslogMessage, IsRfc5424WithTheRecordAsJsonAndTheHost) {
  HostIdentity host{"web-3", std::string(32, 'a')};
  std::string message = syslog_message(odd_record(), host, ForwardFormat::json);
  EXPECT_TRUE(message.starts_with("<109>1 2023-11-14T22:13:20.000000Z web-3 c2audit - openat - {")) << message;
  auto body = nlohmann::json::parse(message.substr(message.find(" - {") + 3));
  EXPECT_EQ(body["seq"], 42);
  EXPECT_EQ(body["path"], "/tmp/a\tb|c=d\\e\nf");
  EXPECT_EQ(body["host"], "web-3");
  EXPECT_EQ(body["host_id"], host.id);
  AuditRecord lost;
  lost.kind = RecordKind::lost;
  lost.event = "lost";
  EXPECT_TRUE(syslog_message(lost, host, ForwardFormat::json).starts_with("<108>1 ")) << "warning severity";
}

TEST(SyslogMessage, SnareAndCefEscapeWhatTheirFormatsReserve) {
  HostIdentity host{"web-3", std::string(32, 'a')};
  std::string snare = syslog_message(odd_record(), host, ForwardFormat::snare);
  std::string snare_body = snare.substr(snare.find(" - web-3\t") + 3);
  EXPECT_TRUE(snare_body.starts_with("web-3\tLinuxAudit\topenat\thost_id=")) << snare_body;
  EXPECT_NE(snare_body.find("\tpath=/tmp/a b|c=d\\e f"), std::string::npos) << snare_body;
  EXPECT_EQ(snare_body.find('\n'), std::string::npos);
  std::string cef = syslog_message(odd_record(), host, ForwardFormat::cef);
  EXPECT_NE(cef.find("CEF:0|c2audit|c2audit|1|openat|file.read|8|dvchost=web-3"), std::string::npos) << cef;
  EXPECT_NE(cef.find(" filePath=/tmp/a\tb|c\\=d\\\\e\\nf"), std::string::npos) << cef;
  EXPECT_NE(cef.find(" cs6Label=host_id cs6=" + host.id), std::string::npos) << cef;
  EXPECT_FALSE(parse_forward_format("xml"));
}

TEST(SyslogMessage, TheHostIdIsStableAndNotTheMachineIdItself) {
  HostIdentity a = local_host_identity(), b = local_host_identity();
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.id.size(), 32u);
  std::string machine_id;
  std::ifstream("/etc/machine-id") >> machine_id;
  if (!machine_id.empty()) {
    EXPECT_EQ(machine_id.find(a.id), std::string::npos);
  }
  EXPECT_FALSE(a.name.empty());
  EXPECT_EQ(a.name.find(' '), std::string::npos);
}

}  // namespace
}  // namespace c2audit
