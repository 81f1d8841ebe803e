// JSON and text rendering of records: field names, omission rules, kinds.
#include "record/record_json.h"

#include <gtest/gtest.h>

#include "record/record_text.h"

namespace c2audit {
namespace {

constexpr int64_t kTime = 1795545124'123456789;  // 2026-11-24T18:32:04.123456789Z
constexpr int kEacces = 13;

AuditRecord open_record() {
  AuditRecord r;
  r.seq = 42;
  r.time_ns = kTime;
  r.event = "openat";
  r.event_class = "file.read";
  r.syscall_nr = 257;
  r.ret = 3;
  r.pid = 123;
  r.tid = 124;
  r.ppid = 1;
  r.auid = 1000;
  r.ses = 7;
  r.user = "alice";
  r.comm = "cat";
  r.exe = "/usr/bin/cat";
  r.path = "/etc/passwd";
  r.objective = "secrets";
  r.criticality = "high";
  return r;
}

TEST(RecordJson, SyscallRecordHasTheSchemaFields) {
  auto j = to_json(open_record());
  EXPECT_EQ(j["seq"], 42);
  EXPECT_EQ(j["time"], "2026-11-24T18:32:04.123456789Z");
  EXPECT_EQ(j["event"], "openat");
  EXPECT_EQ(j["class"], "file.read");
  EXPECT_EQ(j["result"], "success");
  EXPECT_EQ(j["ret"], 3);
  EXPECT_EQ(j["syscall"], 257);
  for (const char* f : {"pid", "tid", "ppid", "uid", "euid", "gid", "egid", "auid", "ses"}) {
    EXPECT_TRUE(j.contains(f)) << f;
  }
  EXPECT_EQ(j["auid"], 1000);
  EXPECT_EQ(j["user"], "alice");
  EXPECT_EQ(j["comm"], "cat");
  EXPECT_EQ(j["exe"], "/usr/bin/cat");
  EXPECT_EQ(j["path"], "/etc/passwd");
  EXPECT_EQ(j["objective"], "secrets");
  EXPECT_EQ(j["criticality"], "high");
}

TEST(RecordJson, EmptyAndFalseFieldsAreLeftOut) {
  auto j = to_json(open_record());
  for (const char* f :
       {"errno", "tty", "path2", "argv", "argv_truncated", "addr", "port", "path_unresolved",
        "path2_unresolved", "cgroup_id", "flags", "mode", "count", "message"}) {
    EXPECT_FALSE(j.contains(f)) << f << " in " << j.dump();
  }
  AuditRecord bare = open_record();
  bare.objective.clear();
  bare.criticality.clear();
  bare.user.clear();
  auto k = to_json(bare);
  EXPECT_FALSE(k.contains("objective"));
  EXPECT_FALSE(k.contains("criticality"));
  EXPECT_FALSE(k.contains("user"));
}

TEST(RecordJson, FailureShowsErrno) {
  AuditRecord r = open_record();
  r.success = false;
  r.ret = -kEacces;
  r.errno_name = "EACCES";
  auto j = to_json(r);
  EXPECT_EQ(j["result"], "failure");
  EXPECT_EQ(j["ret"], -kEacces);
  EXPECT_EQ(j["errno"], "EACCES");
}

TEST(RecordJson, ErrnoNameIsDerivedFromRetWhenMissing) {
  AuditRecord r = open_record();
  r.success = false;
  r.ret = -kEacces;
  EXPECT_EQ(to_json(r)["errno"], "EACCES");
}

TEST(RecordJson, UnsetAuidAndSesAreTheKernelNumber) {
  AuditRecord r = open_record();
  r.auid = kUnsetId;
  r.ses = kUnsetId;
  auto j = to_json(r);
  EXPECT_EQ(j["auid"], 4294967295u);
  EXPECT_EQ(j["ses"], 4294967295u);
}

TEST(RecordJson, OptionalObjectFieldsAppearWhenSet) {
  AuditRecord r = open_record();
  r.event = "renameat2";
  r.event_class = "file.rename";
  r.path2 = "/tmp/b";
  r.path_unresolved = true;
  r.path2_unresolved = true;
  r.tty = "pts/0";
  r.cgroup_id = 99;
  r.flags = 0x241;
  r.mode = 0644;
  auto j = to_json(r);
  EXPECT_EQ(j["path2"], "/tmp/b");
  EXPECT_EQ(j["path_unresolved"], true);
  EXPECT_EQ(j["path2_unresolved"], true);
  EXPECT_EQ(j["tty"], "pts/0");
  EXPECT_EQ(j["cgroup_id"], 99);
  EXPECT_EQ(j["flags"], 0x241);
  EXPECT_EQ(j["mode"], 0644);
}

TEST(RecordJson, ExecCarriesArgv) {
  AuditRecord r = open_record();
  r.event = "execve";
  r.event_class = "process.exec";
  r.path.clear();
  r.argv = {"ls", "-l"};
  r.argv_truncated = true;
  auto j = to_json(r);
  EXPECT_EQ(j["argv"], nlohmann::json::array({"ls", "-l"}));
  EXPECT_EQ(j["argv_truncated"], true);
  r.argv.clear();
  EXPECT_EQ(to_json(r)["argv"], nlohmann::json::array());  // exec without arguments
}

TEST(RecordJson, AddressComesWithPort) {
  AuditRecord r = open_record();
  r.event = "connect";
  r.event_class = "net.connect";
  r.addr = "10.0.0.1";
  r.port = 443;
  auto j = to_json(r);
  EXPECT_EQ(j["addr"], "10.0.0.1");
  EXPECT_EQ(j["port"], 443);
}

TEST(RecordJson, LostRecord) {
  AuditRecord r;
  r.kind = RecordKind::lost;
  r.seq = 9;
  r.time_ns = kTime;
  r.lost_count = 17;
  r.cpu = 3;
  r.window_start_ns = kTime - 1'000'000'000;
  r.window_end_ns = kTime;
  auto j = to_json(r);
  EXPECT_EQ(j["event"], "lost");
  EXPECT_EQ(j["class"], "audit.lost");
  EXPECT_EQ(j["count"], 17);
  EXPECT_EQ(j["cpu"], 3);
  EXPECT_EQ(j["window_start"], "2026-11-24T18:32:03.123456789Z");
  EXPECT_EQ(j["window_end"], "2026-11-24T18:32:04.123456789Z");
  EXPECT_FALSE(j.contains("pid"));
  EXPECT_FALSE(j.contains("result"));
}

TEST(RecordJson, DaemonAndConfigRecords) {
  AuditRecord r;
  r.kind = RecordKind::daemon;
  r.seq = 1;
  r.time_ns = kTime;
  r.message = "started";
  auto j = to_json(r);
  EXPECT_EQ(j["event"], "daemon");
  EXPECT_EQ(j["class"], "audit.daemon");
  EXPECT_EQ(j["message"], "started");
  EXPECT_FALSE(j.contains("pid"));
  EXPECT_FALSE(j.contains("user"));
  r.kind = RecordKind::config;
  r.pid = 77;
  r.user = "root";
  j = to_json(r);
  EXPECT_EQ(j["event"], "config");
  EXPECT_EQ(j["class"], "audit.config");
  EXPECT_EQ(j["pid"], 77);
  EXPECT_EQ(j["uid"], 0);
  EXPECT_EQ(j["user"], "root");
}

TEST(RecordJson, LineIsCompactOrderedAndParses) {
  auto line = to_json_line(open_record());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind("{\"seq\":42,\"time\":", 0), 0u) << line;
  EXPECT_EQ(nlohmann::json::parse(line), to_json(open_record()));
}

TEST(RecordJson, BytesThatAreNotUtf8GoAsHexAndAreNamed) {
  AuditRecord r = open_record();
  r.path = "/tmp/\xff\xfe";
  r.argv = {"cat", "\xff\xfe", "\xfe\xff", "caf\xc3\xa9"};
  std::string line = to_json_line(r);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["path"], "2f746d702ffffe");
  EXPECT_EQ(j["argv"], nlohmann::json::array({"cat", "fffe", "feff", "caf\u00e9"}));
  EXPECT_EQ(j["hex"], nlohmann::json::array({"path", "argv[1]", "argv[2]"}));
  EXPECT_FALSE(to_json(open_record()).contains("hex")) << "UTF-8 values are text";
}

TEST(RecordText, SyscallLine) {
  EXPECT_EQ(to_text(open_record()),
            "2026-11-24T18:32:04.123Z #42 openat file.read success pid=123 uid=0 "
            "auid=1000(alice) ses=7 comm=cat exe=/usr/bin/cat path=/etc/passwd "
            "objective=secrets criticality=high");
}

TEST(RecordText, FailureShowsErrnoAndUnsetAuidNamesUid) {
  AuditRecord r = open_record();
  r.success = false;
  r.ret = -kEacces;
  r.errno_name = "EACCES";
  r.auid = kUnsetId;
  r.ses = kUnsetId;
  r.user = "root";
  auto text = to_text(r);
  EXPECT_NE(text.find(" failure(EACCES) pid=123 uid=0(root) comm="), std::string::npos) << text;
  EXPECT_EQ(text.find("auid="), std::string::npos) << text;
}

TEST(RecordText, AwkwardValuesAreQuoted) {
  AuditRecord r = open_record();
  r.path = "/tmp/a b\"c\n";
  auto text = to_text(r);
  EXPECT_NE(text.find(R"(path="/tmp/a b\"c\x0a")"), std::string::npos) << text;
}

TEST(RecordText, BytesThatAreNotUtf8AreEscaped) {
  AuditRecord r = open_record();
  r.path = "/tmp/\xff\xfe";
  EXPECT_NE(to_text(r).find(R"( path="/tmp/\xff\xfe")"), std::string::npos) << to_text(r);
  r.path = "/tmp/caf\xc3\xa9";
  EXPECT_NE(to_text(r).find(" path=/tmp/caf\xc3\xa9 "), std::string::npos) << to_text(r);
}

// C1 controls (CSI is one) and the Unicode line separators are valid UTF-8
// that a terminal obeys or a reader splits lines on: escaped.
TEST(RecordText, ControlCharactersBeyondAsciiAreEscaped) {
  AuditRecord r = open_record();
  r.path = "/tmp/a\xc2\x9b" "31mred";
  EXPECT_NE(to_text(r).find(R"( path="/tmp/a\xc2\x9b31mred")"), std::string::npos) << to_text(r);
  r.path = "/tmp/one\xe2\x80\xa8two";
  EXPECT_NE(to_text(r).find(R"( path="/tmp/one\xe2\x80\xa8two")"), std::string::npos) << to_text(r);
  r.path = "/tmp/\xe2\x82\xac";  // a euro sign: printable, left alone
  EXPECT_NE(to_text(r).find(" path=/tmp/\xe2\x82\xac "), std::string::npos) << to_text(r);
}

TEST(RecordText, LostAndDaemonLines) {
  AuditRecord lost;
  lost.kind = RecordKind::lost;
  lost.seq = 9;
  lost.time_ns = kTime;
  lost.lost_count = 17;
  lost.cpu = 3;
  lost.window_start_ns = kTime;
  lost.window_end_ns = kTime;
  EXPECT_EQ(to_text(lost),
            "2026-11-24T18:32:04.123Z #9 lost audit.lost count=17 cpu=3 "
            "window_start=2026-11-24T18:32:04.123Z window_end=2026-11-24T18:32:04.123Z");
  AuditRecord daemon;
  daemon.kind = RecordKind::daemon;
  daemon.seq = 1;
  daemon.time_ns = kTime;
  daemon.message = "started, resuming after seq 0";
  EXPECT_EQ(to_text(daemon),
            "2026-11-24T18:32:04.123Z #1 daemon audit.daemon "
            "message=\"started, resuming after seq 0\"");
}

}  // namespace
}  // namespace c2audit
