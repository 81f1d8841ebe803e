#include "policy/objective_set.h"

#include <sys/syscall.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "syscalls/syscall_table.h"
#include "policy/objective_file.h"

namespace c2audit {
namespace {

AuditRecord file_event(const std::string& cls, const std::string& path, bool success = true,
                       const std::string& err = "") {
  AuditRecord rec;
  rec.event = "openat";
  rec.event_class = cls;
  rec.path = path;
  rec.success = success;
  rec.errno_name = err;
  return rec;
}

TEST(DefaultObjectives, SelectTheC2Baseline) {
  auto set = ObjectiveSet::defaults();
  auto name = [&](const AuditRecord& r) {
    const Objective* o = set.match(r);
    return o ? o->name : std::string("-");
  };
  EXPECT_EQ(name(file_event("file.read", "/etc/shadow")), "credential-store-read");
  EXPECT_EQ(name(file_event("file.write", "/etc/passwd")), "system-file-change");
  EXPECT_EQ(name(file_event("file.read", "/etc/passwd")), "-");
  EXPECT_EQ(name(file_event("file.write", "/etcetera/x")), "-");  // prefix ends at a '/'
  EXPECT_EQ(name(file_event("file.write", "/home/u/notes")), "-");
  EXPECT_EQ(name(file_event("file.read", "/home/u/x", false, "EACCES")), "access-denied");
  EXPECT_EQ(name(file_event("file.read", "/home/u/x", false, "ENOENT")), "-");
  EXPECT_EQ(name(file_event("process.exec", "/usr/bin/id")), "program-execution");
  EXPECT_EQ(name(file_event("admin.module", "")), "module-load");
  EXPECT_EQ(set.match(file_event("admin.module", ""))->criticality, "critical");
}

TEST(DefaultObjectives, SelectPersistenceAndEvasion) {
  auto set = ObjectiveSet::defaults();
  auto name = [&](AuditRecord r) {
    const Objective* o = set.match(r);
    return o ? o->name : std::string("-");
  };
  auto call = [](const std::string& event, const std::string& cls, const std::string& path) {
    AuditRecord r = file_event(cls, path);
    r.event = event;
    return r;
  };
  EXPECT_EQ(name(file_event("file.write", "/home/bob/.ssh/authorized_keys")), "login-persistence");
  EXPECT_EQ(name(file_event("file.create", "/root/.ssh/authorized_keys2")), "login-persistence");
  EXPECT_EQ(name(file_event("file.write", "/home/bob/.bashrc")), "login-persistence");
  EXPECT_EQ(name(file_event("file.create", "/home/bob/.config/systemd/user/x.service")),
            "login-persistence");
  EXPECT_EQ(name(file_event("file.read", "/home/bob/.bashrc")), "-");
  EXPECT_EQ(name(call("unlink", "file.delete", "/var/log/auth.log")), "evidence-removal");
  EXPECT_EQ(name(call("unlink", "file.delete", "/home/bob/.bash_history")), "evidence-removal");
  EXPECT_EQ(name(call("rename", "file.rename", "/root/.zsh_history")), "evidence-removal");
  EXPECT_EQ(name(call("truncate", "file.write", "/var/log/wtmp")), "evidence-truncation");
  EXPECT_EQ(name(call("ftruncate", "file.write", "/home/bob/.bash_history")),
            "evidence-truncation");
  EXPECT_EQ(name(file_event("file.write", "/var/log/syslog")), "-");  // a log being written
  AuditRecord setuid = call("fchmodat", "file.attr", "/tmp/.x/sh");
  setuid.mode = 04755;
  EXPECT_EQ(name(setuid), "privilege-bits");
  setuid.mode = 0755;
  EXPECT_EQ(name(setuid), "-");
  AuditRecord setcap = call("setxattr", "file.attr", "/home/bob/python3");
  setcap.xattr = "security.capability";
  EXPECT_EQ(name(setcap), "file-capabilities");
  setcap.xattr = "user.comment";
  EXPECT_EQ(name(setcap), "-");
  // chattr -a of a log (to truncate it), chattr +i of a system file
  EXPECT_EQ(name(call("ioctl", "file.attr", "/var/log/auth.log")), "evidence-removal");
  EXPECT_NE(name(call("ioctl", "file.attr", "/etc/passwd")), "-");
  AuditRecord connect = call("connect", "net.connect", "");
  connect.exe = "/dev/shm/.x/payload";
  EXPECT_EQ(name(connect), "outbound-from-writable-dir");
  connect.exe = "memfd:x";
  EXPECT_EQ(name(connect), "outbound-from-writable-dir");
  connect.exe = "/usr/bin/curl";
  EXPECT_EQ(name(connect), "-");
}

TEST(DefaultObjectives, KernelSelectionCoversWhatTheyNeed) {
  auto nrs = ObjectiveSet::defaults().selected_syscalls();
  auto has = [&](uint32_t nr) { return std::find(nrs.begin(), nrs.end(), nr) != nrs.end(); };
  EXPECT_TRUE(has(SYS_openat));
  EXPECT_TRUE(has(SYS_execve));
  EXPECT_TRUE(has(SYS_setuid));
  EXPECT_TRUE(has(SYS_bind));
  EXPECT_TRUE(has(SYS_truncate));
  EXPECT_TRUE(has(SYS_connect));  // judged by program in user space
}

TEST(AuditAll, MatchesEveryClass) {
  auto set = ObjectiveSet::audit_all();
  for (auto cls : {"file.read", "net.connect", "priv.change", "admin.time", "process.exec"}) {
    EXPECT_NE(set.match(file_event(cls, "/x")), nullptr) << cls;
  }
}

// decide() tries only the objectives indexed for the record's event and
// class; it must pick what a scan of every objective in order picks.
TEST(ObjectiveSet, IndexedDecisionEqualsAScanInOrder) {
  auto parsed = parse_objectives(R"(
[[objective]]
name = "quiet-tmp"
action = "ignore"
classes = ["file.*"]
paths = ["/tmp/**"]
[[objective]]
name = "shadow"
events = ["openat", "unlinkat"]
paths = ["/etc/shadow"]
[[objective]]
name = "fchmods"
events = ["fchmod"]
[[objective]]
name = "writes"
classes = ["file.write", "file.create"]
[[objective]]
name = "exec"
classes = ["process.*"]
programs = ["/usr/bin/*"]
[[objective]]
name = "failures"
classes = ["file.*", "priv.*", "net.*", "admin.*"]
result = "failure"
)", "test.toml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ObjectiveSet set("test", *parsed);
  auto scan = [&](const AuditRecord& rec) -> const Objective* {
    for (const auto& o : set.objectives()) {
      if (objective_matches(o, rec)) return &o;
    }
    return nullptr;
  };
  int compared = 0;
  for (const auto& info : covered_syscalls()) {
    for (auto cls : {std::string(info.event_class), std::string("file.read"),
                     std::string("file.write"), std::string("made.up")}) {
      for (auto path : {"/etc/shadow", "/tmp/x", "/var/x"}) {
        for (bool success : {true, false}) {
          AuditRecord rec = file_event(cls, path, success, success ? "" : "EPERM");
          rec.event = info.name;
          rec.exe = "/usr/bin/id";
          // Found by its call number, by its name when the number is
          // another call's, and as a 32-bit call (whose numbers differ).
          for (uint32_t nr : {info.nr, info.nr + 1}) {
            for (bool ia32 : {false, true}) {
              rec.syscall_nr = nr;
              rec.ia32 = ia32;
              EXPECT_EQ(set.decide(rec), scan(rec)) << info.name << " " << cls << " " << path;
              ++compared;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 100);
  AuditRecord other = file_event("file.read", "/var/x", false, "EPERM");
  other.event = "not-a-syscall";
  EXPECT_EQ(set.decide(other), scan(other));
  ASSERT_NE(set.decide(other), nullptr);
  EXPECT_EQ(set.decide(other)->name, "failures");
}

}  // namespace
}  // namespace c2audit
