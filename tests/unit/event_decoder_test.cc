// Decoding raw sensor records built here the way the BPF side lays them out.
#include "pipeline/event_decoder.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/syscall.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "c2audit/wire.h"

namespace c2audit {
namespace {

// A record's payload fields by name; raw_event lays them out in wire order.
struct Payload {
  std::string name1{}, dir1{}, obj1{}, name2{}, dir2{}, argv{}, sockaddr{}, exe{}, watched{};
};

// Builds a record: header plus the payload, the way the sensor lays it out.
std::vector<uint8_t> raw_event(c2a_event ev, const Payload& p) {
  std::array<const std::string*, C2A_F_COUNT> fields{};
  fields[C2A_F_NAME1] = &p.name1;
  fields[C2A_F_DIR1] = &p.dir1;
  fields[C2A_F_OBJ1] = &p.obj1;
  fields[C2A_F_NAME2] = &p.name2;
  fields[C2A_F_DIR2] = &p.dir2;
  fields[C2A_F_ARGV] = &p.argv;
  fields[C2A_F_SOCKADDR] = &p.sockaddr;
  fields[C2A_F_EXE] = &p.exe;
  fields[C2A_F_WATCHED] = &p.watched;
  std::string payload;
  for (int f = 0; f < C2A_F_COUNT; ++f) {
    ev.len[f] = fields[f]->size();
    payload += *fields[f];
  }
  ev.kind = C2A_KIND_SYSCALL;
  ev.size = sizeof(ev) + payload.size();
  // One buffer sized up front: g++ 12 warns (array-bounds) about insert()
  // growing a vector that was just memcpy'd into.
  std::vector<uint8_t> out(sizeof(ev) + payload.size());
  std::memcpy(out.data(), &ev, sizeof(ev));
  std::memcpy(out.data() + sizeof(ev), payload.data(), payload.size());
  return out;
}

c2a_event base_event(uint32_t nr, int64_t ret) {
  c2a_event ev{};
  ev.syscall_nr = nr;
  ev.ret = ret;
  ev.pid = 10;
  ev.tid = 11;
  ev.uid = 1000;
  ev.auid = 1000;
  std::strcpy(ev.comm, "cat");
  return ev;
}

class DecoderTest : public ::testing::Test {
 protected:
  BootToWallClock clock_;
  EventDecoder decoder_{clock_};
  AuditRecord rec_;
};

// The watched directory field: its identity, then the path below it.
std::string watched_field(uint64_t ino, uint32_t dev, std::string_view below) {
  c2a_watched_dir dir{};
  dir.ino = ino;
  dir.dev = dev;
  std::string out(reinterpret_cast<const char*>(&dir), sizeof dir);
  return out += below;
}

TEST(WatchedDir, IsReadFromItsFieldWhenTheRecordIsFlagged) {
  c2a_event ev = base_event(SYS_openat, 3);
  ev.status = C2A_ST_UNDER_WATCHED_DIR;
  auto raw = raw_event(ev, {.obj1 = "/mnt/x/ssh/sshd_config",
                            .exe = "/usr/bin/cat",
                            .watched = watched_field(42, 8 << 20 | 1, "/ssh/sshd_config")});
  auto dir = watched_dir_of(raw);
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->ino, 42u);
  EXPECT_EQ(dir->dev, 8u << 20 | 1);
  EXPECT_EQ(dir->below, "/ssh/sshd_config");

  ev.status = 0;
  EXPECT_FALSE(watched_dir_of(raw_event(ev, {.watched = watched_field(42, 1, "/f")})))
      << "a field the header does not flag";
}

TEST(WatchedDir, AMalformedFieldIsNone) {
  c2a_event ev = base_event(SYS_openat, 3);
  ev.status = C2A_ST_UNDER_WATCHED_DIR;
  EXPECT_FALSE(watched_dir_of(raw_event(ev, {.watched = watched_field(42, 1, "")})));
  EXPECT_FALSE(watched_dir_of(raw_event(ev, {.watched = watched_field(42, 1, "f")})));
  EXPECT_FALSE(watched_dir_of(raw_event(ev, {.watched = "short"})));
  auto raw = raw_event(ev, {.watched = watched_field(42, 1, "/sub/f")});
  raw.resize(raw.size() - 1);  // the field's length now overruns the record
  EXPECT_FALSE(watched_dir_of(raw));
}

// The sensor_event fuzzer's seeds are records of the current layout: a
// change of the header that leaves them behind fails here, not silently.
TEST(SensorEventSeeds, EachDecodes) {
  BootToWallClock clock;
  EventDecoder decoder(clock);
  size_t seeds = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(C2AUDIT_FUZZ_CORPUS_DIR "/sensor_event")) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> raw((std::istreambuf_iterator<char>(in)), {});
    AuditRecord rec;
    auto decoded = decoder.decode(raw, rec);
    EXPECT_TRUE(decoded) << entry.path() << ": " << decoded.error().message;
    ++seeds;
  }
  EXPECT_GE(seeds, 8u);
}

TEST(PolicyGeneration, IsReadFromTheHeaderAndZeroWhenTheBytesAreTooFew) {
  c2a_event ev{};
  ev.policy_generation = 7;
  std::vector<uint8_t> raw(sizeof ev);
  std::memcpy(raw.data(), &ev, sizeof ev);
  EXPECT_EQ(policy_generation_of(raw), 7u);
  EXPECT_EQ(policy_generation_of(std::span(raw).first(offsetof(c2a_event, policy_generation) + 3)), 0u);
}

TEST_F(DecoderTest, SuccessfulOpenUsesTheOpenedObject) {
  auto ev = base_event(SYS_openat, 3);
  ev.open_flags = O_RDONLY;
  auto raw = raw_event(
      ev, {.name1 = "link", .dir1 = "/home/u", .obj1 = "/real/target", .exe = "/usr/bin/cat"});
  ASSERT_TRUE(decoder_.decode(raw, rec_));
  EXPECT_EQ(rec_.event, "openat");
  EXPECT_EQ(rec_.event_class, "file.read");
  EXPECT_TRUE(rec_.success);
  EXPECT_EQ(rec_.path, "/real/target");
  EXPECT_EQ(rec_.exe, "/usr/bin/cat");
  EXPECT_EQ(rec_.comm, "cat");
}

TEST_F(DecoderTest, FailedOpenResolvesTheNameAgainstItsBase) {
  auto ev = base_event(SYS_openat, -ENOENT);
  ev.open_flags = O_WRONLY | O_CREAT;
  auto raw = raw_event(ev, {.name1 = "../x/./f", .dir1 = "/home/u"});
  ASSERT_TRUE(decoder_.decode(raw, rec_));
  EXPECT_FALSE(rec_.success);
  EXPECT_EQ(rec_.errno_name, "ENOENT");
  EXPECT_EQ(rec_.event_class, "file.create");
  EXPECT_EQ(rec_.path, "/home/x/f");
  EXPECT_FALSE(rec_.path_unresolved);
}

TEST_F(DecoderTest, UnknownBaseKeepsTheCallersStringMarkedUnresolved) {
  auto ev = base_event(SYS_unlink, 0);
  ev.status = C2A_ST_DIR1_CUT;
  auto raw = raw_event(ev, {.name1 = "rel/name", .dir1 = "/partial"});
  ASSERT_TRUE(decoder_.decode(raw, rec_));
  EXPECT_EQ(rec_.path, "rel/name");
  EXPECT_TRUE(rec_.path_unresolved);
}

TEST_F(DecoderTest, OpenClassFollowsFlags) {
  for (auto [flags, cls] : {std::pair{O_RDONLY, "file.read"},
                            {O_RDWR, "file.write"},
                            {O_RDONLY | O_TRUNC, "file.write"},
                            {O_WRONLY | O_CREAT, "file.create"}}) {
    auto ev = base_event(SYS_open, 3);
    ev.open_flags = flags;
    auto raw = raw_event(ev, {.name1 = "/f", .obj1 = "/f"});
    ASSERT_TRUE(decoder_.decode(raw, rec_));
    EXPECT_EQ(rec_.event_class, cls) << flags;
  }
}

TEST_F(DecoderTest, SymlinkTargetIsKeptLiterally) {
  auto ev = base_event(SYS_symlink, 0);
  auto raw = raw_event(ev, {.name1 = "newlink", .dir1 = "/d", .name2 = "target/x", .dir2 = "/d"});
  ASSERT_TRUE(decoder_.decode(raw, rec_));
  EXPECT_EQ(rec_.path, "/d/newlink");
  EXPECT_EQ(rec_.path2, "target/x");
}

TEST_F(DecoderTest, ExecCarriesArgv) {
  auto ev = base_event(SYS_execve, 0);
  std::string argv("ls\0-l\0/tmp\0", 10);
  auto raw = raw_event(ev, {.name1 = "/bin/ls", .argv = argv, .exe = "/usr/bin/ls"});
  ASSERT_TRUE(decoder_.decode(raw, rec_));
  EXPECT_EQ(rec_.event_class, "process.exec");
  EXPECT_EQ(rec_.argv, (std::vector<std::string>{"ls", "-l", "/tmp"}));
}

// A successful exec names the program that runs (EXE, resolved by the
// kernel) next to the name given; a failed one has no such program.
TEST_F(DecoderTest, ExecNamesTheResolvedProgramToo) {
  auto ev = base_event(SYS_execve, 0);
  ASSERT_TRUE(decoder_.decode(raw_event(ev, {.name1 = "/bin/ls", .exe = "/usr/bin/ls"}), rec_));
  EXPECT_EQ(rec_.path, "/bin/ls");
  EXPECT_EQ(rec_.path2, "/usr/bin/ls");
  ASSERT_TRUE(decoder_.decode(raw_event(ev, {.name1 = "/usr/bin/ls", .exe = "/usr/bin/ls"}), rec_));
  EXPECT_EQ(rec_.path2, "");
  auto by_fd = base_event(SYS_execveat, 0);  // execveat(memfd, "", AT_EMPTY_PATH)
  ASSERT_TRUE(decoder_.decode(raw_event(by_fd, {.exe = "memfd:payload"}), rec_));
  EXPECT_EQ(rec_.path, "memfd:payload");
  EXPECT_FALSE(rec_.path_unresolved);
  EXPECT_EQ(rec_.path2, "");
  auto failed = base_event(SYS_execve, -ENOENT);
  ASSERT_TRUE(decoder_.decode(raw_event(failed, {.name1 = "/bin/x", .exe = "/usr/bin/bash"}), rec_));
  EXPECT_EQ(rec_.path2, "") << "a failed exec's EXE is the caller";
}

TEST_F(DecoderTest, InetPeerAddress) {
  auto ev = base_event(SYS_connect, 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(443);
  in.sin_addr.s_addr = htonl(0x7f000001);
  std::string sa(reinterpret_cast<const char*>(&in), sizeof(in));
  auto raw = raw_event(ev, {.sockaddr = sa});
  ASSERT_TRUE(decoder_.decode(raw, rec_));
  EXPECT_EQ(rec_.event_class, "net.connect");
  EXPECT_EQ(rec_.addr, "127.0.0.1");
  EXPECT_EQ(rec_.port, 443);
}

// The daemon decodes every event into one reused record: nothing of a
// previous event may survive into the next.
TEST_F(DecoderTest, ARecordReusedForTheNextEventEqualsAFreshOne) {
  auto exec = base_event(SYS_execve, -2);
  exec.status = C2A_ST_ARGV_CUT;
  std::string argv("ls\0-l\0", 6);
  ASSERT_TRUE(decoder_.decode(
      raw_event(exec, {.name1 = "/bin/ls", .dir1 = "/w", .argv = argv, .exe = "/bin/sh"}), rec_));
  rec_.seq = 7;  // what the trail and the daemon add after decoding
  rec_.objective = "o";
  rec_.criticality = "high";
  rec_.user = "u";
  rec_.message = "m";
  rec_.lost_count = 3;
  rec_.window_end_ns = 9;
  auto open = base_event(SYS_openat, 3);
  open.auid = kUnsetId;
  auto raw = raw_event(open, {.name1 = "/f", .obj1 = "/f"});
  ASSERT_TRUE(decoder_.decode(raw, rec_));
  AuditRecord fresh;
  ASSERT_TRUE(decoder_.decode(raw, fresh));
  EXPECT_EQ(rec_, fresh);
}

// The number of an ia32 call is read in the ia32 table: 5 is open there,
// fstat (not covered) in the x86-64 one.
TEST_F(DecoderTest, Ia32CallsAreReadInTheirOwnTable) {
  auto ev = base_event(5, -ENOENT);
  ev.status = C2A_ST_IA32;
  ASSERT_TRUE(decoder_.decode(raw_event(ev, {.name1 = "/etc/nothing"}), rec_));
  EXPECT_EQ(rec_.event, "open");
  EXPECT_EQ(rec_.syscall_nr, 5u);
  EXPECT_TRUE(rec_.ia32);
  EXPECT_EQ(rec_.path, "/etc/nothing");
  ev.status = 0;
  EXPECT_FALSE(decoder_.decode(raw_event(ev, {.name1 = "/etc/nothing"}), rec_));
}

TEST_F(DecoderTest, SocketcallKeepsItsOwnNumber) {
  auto ev = base_event(362, -ECONNREFUSED);  // what the sensor unfolded: connect
  ev.status = C2A_ST_IA32 | C2A_ST_SOCKETCALL;
  ASSERT_TRUE(decoder_.decode(raw_event(ev, {}), rec_));
  EXPECT_EQ(rec_.event, "connect");
  EXPECT_EQ(rec_.syscall_nr, static_cast<uint32_t>(C2A_IA32_SOCKETCALL));
  EXPECT_TRUE(rec_.ia32);
}

// Found by fuzz_sensor_event: a garbled stamp overflowed the wall-clock sum.
TEST_F(DecoderTest, AStampPastTheClockSaturates) {
  auto ev = base_event(SYS_openat, 3);
  ev.time_ns = 0xfff0000000000000ull;
  ASSERT_TRUE(decoder_.decode(raw_event(ev, {.obj1 = "/f"}), rec_));
  EXPECT_EQ(rec_.time_ns, INT64_MAX);
}

TEST_F(DecoderTest, MalformedRecordsAreRejected) {
  auto ev = base_event(SYS_openat, 0);
  auto raw = raw_event(ev, {.name1 = "/f"});
  raw.pop_back();  // a field now overruns the record
  EXPECT_FALSE(decoder_.decode(raw, rec_));
  std::vector<uint8_t> tiny(8);
  EXPECT_FALSE(decoder_.decode(tiny, rec_));
  auto unknown = raw_event(base_event(9999 % C2A_SYSCALL_SLOTS, 0), {});
  EXPECT_FALSE(decoder_.decode(unknown, rec_));
}

}  // namespace
}  // namespace c2audit
