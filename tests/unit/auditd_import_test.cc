#include "policy/auditd_import.h"
#include "policy/objective_file.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <filesystem>

namespace c2audit {
namespace {

using Strings = std::vector<std::string>;

// An import and its TOML, parsed back as the objective-file parser will.
struct Imported {
  AuditdImport result;
  toml::table doc;

  size_t count() const {
    const auto* list = doc["objective"].as_array();
    return list ? list->size() : 0;
  }
  const toml::table& objective(size_t i) const {
    static const toml::table kEmpty;
    const auto* list = doc["objective"].as_array();
    const toml::table* t = list && i < list->size() ? (*list)[i].as_table() : nullptr;
    return t ? *t : kEmpty;
  }
  std::string get(size_t i, std::string_view key) const {
    return objective(i)[key].value_or(std::string("(none)"));
  }
  // A list as strings; integers (user ids) in decimal.
  Strings list(size_t i, std::string_view key) const {
    Strings out;
    if (const auto* array = objective(i)[key].as_array()) {
      for (const auto& node : *array) {
        if (auto n = node.value<int64_t>(); n && node.is_integer()) {
          out.push_back(std::to_string(*n));
        } else {
          out.push_back(node.value_or(std::string("?")));
        }
      }
    }
    return out;
  }
};

Imported import(std::string_view rules) {
  Imported out{import_auditd_rules(rules, "test.rules"), {}};
  try {
    out.doc = toml::parse(out.result.toml);
  } catch (const toml::parse_error& e) {
    ADD_FAILURE() << "generated TOML does not parse: " << e << "\n" << out.result.toml;
  }
  EXPECT_EQ(out.count(), static_cast<size_t>(out.result.converted));
  return out;
}

std::string reasons(const std::vector<ImportNote>& notes) {
  std::string out;
  for (const auto& n : notes) out += std::to_string(n.line) + ": " + n.why + "\n";
  return out;
}

bool has_note(const std::vector<ImportNote>& notes, int line, std::string_view part) {
  for (const auto& n : notes) {
    if (n.line == line && n.why.find(part) != std::string::npos) return true;
  }
  return false;
}

const Strings kWriteAndAttr = {"file.write", "file.create", "file.delete", "file.rename",
                               "file.attr"};
const Strings kAllPerms = {"file.read",   "file.write", "file.create", "file.delete",
                           "file.rename", "file.attr",  "process.exec"};

TEST(AuditdImport, WatchOnAFile) {
  auto im = import("-w /etc/passwd -p wa -k identity\n");
  ASSERT_EQ(im.result.converted, 1);
  EXPECT_EQ(im.get(0, "name"), "identity");
  // The file, or everything under it should it be a directory where the
  // objective is used: auditctl decides there, so the objective says both.
  EXPECT_EQ(im.list(0, "paths"), (Strings{"/etc/passwd", "/etc/passwd/**"}));
  EXPECT_EQ(im.list(0, "classes"), kWriteAndAttr);
  EXPECT_EQ(im.list(0, "events"), Strings{});
  EXPECT_EQ(im.get(0, "result"), "any");
  EXPECT_EQ(im.get(0, "criticality"), "medium");
  EXPECT_EQ(im.get(0, "action"), "record");
  EXPECT_TRUE(im.result.skipped.empty()) << reasons(im.result.skipped);
  EXPECT_TRUE(im.result.approximations.empty()) << reasons(im.result.approximations);
  EXPECT_NE(im.result.toml.find("# test.rules:1: -w /etc/passwd -p wa -k identity\n[[objective]]"),
            std::string::npos)
      << im.result.toml;
}

TEST(AuditdImport, WatchOnADirectoryByTrailingSlash) {
  auto im = import("-w /etc/sudoers.d/ -p wa -k scope");
  EXPECT_EQ(im.list(0, "paths"), (Strings{"/etc/sudoers.d", "/etc/sudoers.d/**"}));
}

TEST(AuditdImport, WatchOnADirectoryThatExists) {
  char tmpl[] = "/tmp/c2audit-import-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  auto im = import("-w " + dir + " -p r");
  std::filesystem::remove(dir);
  EXPECT_EQ(im.list(0, "paths"), (Strings{dir, dir + "/**"}));
  EXPECT_EQ(im.list(0, "classes"), Strings{"file.read"});
}

TEST(AuditdImport, WatchPermissions) {
  auto im = import(
      "-w /usr/bin/sudo -p x -k priv\n"
      "-w /sbin/insmod -k modules\n"
      "-w /etc/shadow -p rwxa\n");
  EXPECT_EQ(im.list(0, "classes"), Strings{"process.exec"});
  EXPECT_EQ(im.list(1, "classes"), kAllPerms);  // no -p: every permission
  EXPECT_EQ(im.list(2, "classes"), kAllPerms);
}

TEST(AuditdImport, SyscallFormOfAWatch) {
  auto im = import(
      "-a always,exit -F path=/usr/bin/passwd -F perm=x -F auid>=1000 -F auid!=unset "
      "-k privileged-passwd\n"
      "-a always,exit -F dir=/var/log/audit/ -F perm=r -F auid>=1000 -F auid!=-1 -k audit-logs\n");
  ASSERT_EQ(im.result.converted, 2) << reasons(im.result.skipped);
  EXPECT_EQ(im.get(0, "name"), "privileged-passwd");
  EXPECT_EQ(im.list(0, "paths"), Strings{"/usr/bin/passwd"});
  EXPECT_EQ(im.list(0, "classes"), Strings{"process.exec"});
  EXPECT_EQ(im.list(0, "users"), Strings{"1000-4294967294"});
  EXPECT_EQ(im.list(0, "exclude_users"), Strings{"4294967295"});
  EXPECT_EQ(im.list(1, "paths"), (Strings{"/var/log/audit", "/var/log/audit/**"}));
  EXPECT_EQ(im.list(1, "exclude_users"), Strings{"4294967295"});
  EXPECT_TRUE(im.result.approximations.empty()) << reasons(im.result.approximations);
}

TEST(AuditdImport, ListsAndActions) {
  auto im = import(
      "-a always,exit -F arch=b64 -S mount -k mounts\n"
      "-a exit,always -F arch=b64 -S umount2 -k mounts\n"
      "-a never,exit -F arch=b64 -S all -F exe=/usr/bin/vmtoolsd\n"
      "-a always,exclude -F msgtype=CWD\n"
      "-a never,task\n"
      "-a never,user -F subj_type=crond_t\n"
      "-a never,filesystem -F fstype=tracefs\n");
  ASSERT_EQ(im.result.converted, 3);
  EXPECT_EQ(im.get(0, "action"), "record");
  EXPECT_EQ(im.get(1, "action"), "record");
  EXPECT_EQ(im.get(2, "action"), "ignore");
  EXPECT_EQ(im.list(2, "programs"), Strings{"/usr/bin/vmtoolsd"});
  ASSERT_EQ(im.result.skipped.size(), 4u);
  EXPECT_TRUE(has_note(im.result.skipped, 4, "exclude list"));
  EXPECT_TRUE(has_note(im.result.skipped, 5, "task list"));
  EXPECT_TRUE(has_note(im.result.skipped, 6, "user list"));
  EXPECT_TRUE(has_note(im.result.skipped, 7, "filesystem list"));
  EXPECT_EQ(im.result.skipped[0].text, "-a always,exclude -F msgtype=CWD");
}

// Classic noise filters: no -S means every syscall.
TEST(AuditdImport, IgnoreRulesWithoutSyscalls) {
  auto im = import(
      "-a exit,never -F auid>2147483645\n"
      "-a exit,never -F auid!=0 -F auid<500\n");
  ASSERT_EQ(im.result.converted, 2) << reasons(im.result.skipped);
  EXPECT_EQ(im.get(0, "action"), "ignore");
  EXPECT_EQ(im.list(0, "classes"), (Strings{"file.*", "process.*", "priv.*", "net.*", "admin.*"}));
  EXPECT_EQ(im.list(0, "users"), Strings{"2147483646-4294967294"});
  EXPECT_EQ(im.list(1, "users"), Strings{"0-499"});
  EXPECT_EQ(im.list(1, "exclude_users"), Strings{"0"});
}

TEST(AuditdImport, Syscalls) {
  auto im = import(
      "-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change\n"
      "-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -k perm\n"
      "-a always,exit -F arch=b64 -S 59 -k exec\n");
  ASSERT_EQ(im.result.converted, 3) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "events"), (Strings{"adjtimex", "settimeofday"}));
  EXPECT_EQ(im.list(0, "classes"), Strings{});  // events alone select
  EXPECT_EQ(im.list(1, "events"), (Strings{"chmod", "fchmod", "fchmodat"}));
  EXPECT_EQ(im.list(2, "events"), Strings{"execve"});  // x86_64 number
}

TEST(AuditdImport, SignalRules) {
  auto im = import(
      "-a always,exit -F arch=b64 -S kill,tkill,tgkill -F auid>=1000 -F auid!=unset -k signals\n"
      "-a always,exit -F arch=b32 -S kill -S pidfd_send_signal -k signals32\n");
  ASSERT_EQ(im.result.converted, 2) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "events"), (Strings{"kill", "tkill", "tgkill"}));
  EXPECT_EQ(im.list(1, "events"), (Strings{"kill", "pidfd_send_signal"}));
}

TEST(AuditdImport, ComparisonsSessionsFamiliesAndObjects) {
  auto im = import(
      "-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -k setuid\n"
      "-a always,exit -F arch=b64 -S openat -F dir=/home -F uid=0 -C auid!=obj_uid -k power\n"
      "-a always,exit -F arch=b64 -S connect -F saddr_fam=2 -F ses=4 -k net\n"
      "-a always,exit -F arch=b64 -S openat -F filetype=dir -F obj_uid=0 -k dirs\n"
      "-a always,exit -F arch=b64 -S execve -C uid!=suid -k suid\n"
      "-a never,exit -F arch=b64 -S execve -C fsuid=euid\n");
  ASSERT_EQ(im.result.converted, 5) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "compare"), Strings{"uid != euid"});
  EXPECT_EQ(im.list(1, "compare"), Strings{"auid != obj_uid"});
  EXPECT_EQ(im.list(2, "families"), Strings{"inet"});
  EXPECT_EQ(im.list(2, "sessions"), Strings{"4"});
  EXPECT_EQ(im.list(3, "file_types"), Strings{"dir"});
  EXPECT_EQ(im.list(3, "file_owners"), Strings{"0"});
  EXPECT_TRUE(has_note(im.result.approximations, 5, "-C uid!=suid"));  // records more
  EXPECT_TRUE(has_note(im.result.skipped, 6, "-C fsuid=euid"));  // would ignore more
  // Where c2audit has no object (a call naming a file by path) or may have an
  // address auditd has not, the criterion would select less or ignore more.
  auto unsafe = import(
      "-a always,exit -F arch=b64 -S chmod,openat -F obj_uid=0 -k chmods\n"
      "-a never,exit -F arch=b64 -S unlink -F filetype=file\n"
      "-a never,exit -F arch=b64 -S accept,listen -F saddr_fam=2\n"
      "-a never,exit -F arch=b64 -S connect -F saddr_fam=1\n");
  ASSERT_EQ(unsafe.result.converted, 2) << reasons(unsafe.result.skipped);
  EXPECT_EQ(unsafe.list(0, "file_owners"), Strings{});
  EXPECT_TRUE(has_note(unsafe.result.approximations, 1, "name a file by path"));
  EXPECT_TRUE(has_note(unsafe.result.skipped, 2, "name a file by path"));
  EXPECT_TRUE(has_note(unsafe.result.skipped, 3, "would ignore more"));
  EXPECT_EQ(unsafe.list(1, "families"), Strings{"unix"});
  auto parsed = parse_objectives(im.result.toml, "converted.toml",
                                 [](const std::string&) { return std::nullopt; });
  EXPECT_TRUE(parsed) << parsed.error().message;
}

TEST(AuditdImport, UncoveredSyscalls) {
  auto im = import(
      "-a always,exit -F arch=b64 -S sethostname,setdomainname -S personality -k system-locale\n"
      "-a always,exit -F arch=b64 -S personality -S vhangup -k odd\n");
  ASSERT_EQ(im.result.converted, 1);
  EXPECT_EQ(im.list(0, "events"), (Strings{"sethostname", "setdomainname"}));
  EXPECT_TRUE(has_note(im.result.approximations, 1, "personality"));
  EXPECT_TRUE(has_note(im.result.skipped, 2, "personality, vhangup"));
}

TEST(AuditdImport, AllSyscalls) {
  auto im = import("-a always,exit -F arch=b64 -S all -F auid=0 -k root\n");
  EXPECT_EQ(im.list(0, "events"), Strings{});
  EXPECT_EQ(im.list(0, "classes"), (Strings{"file.*", "process.*", "priv.*", "net.*", "admin.*"}));
  EXPECT_EQ(im.list(0, "users"), Strings{"0"});
}

TEST(AuditdImport, Architectures) {
  auto im = import(
      "-a always,exit -F arch=b32 -S adjtimex,settimeofday,stime -k time-change\n"
      "-a always,exit -F arch=x86_64 -S adjtimex -k time-change\n"
      "-a always,exit -F arch=aarch64 -S adjtimex\n");
  ASSERT_EQ(im.result.converted, 2) << reasons(im.result.skipped);
  // b32 names are ia32 ones: stime sets the time as settimeofday does.
  EXPECT_EQ(im.list(0, "events"), (Strings{"adjtimex", "settimeofday"}));
  EXPECT_TRUE(has_note(im.result.approximations, 1, "either ABI"));
  EXPECT_TRUE(has_note(im.result.skipped, 3, "arch aarch64"));
}

TEST(AuditdImport, ThirtyTwoBitNamesAndNumbers) {
  auto im = import(
      "-a always,exit -F arch=b32 -S chown32,truncate64 -k a\n"
      "-a always,exit -F arch=b32 -S 5 -k b\n"  // ia32 open (x86-64 5 is fstat)
      "-a always,exit -F arch=b32 -S socketcall -k c\n"
      "-a always,exit -F arch=b64 -S 5 -k d\n");
  ASSERT_EQ(im.result.converted, 3) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "events"), (Strings{"chown", "truncate"}));
  EXPECT_EQ(im.list(1, "events"), Strings{"open"});
  EXPECT_EQ(im.list(2, "events"), (Strings{"connect", "bind", "listen", "accept4", "accept"}));
  EXPECT_TRUE(has_note(im.result.skipped, 4, "no syscall of the rule is covered")) << reasons(im.result.skipped);
}

TEST(AuditdImport, UserFields) {
  auto im = import(
      "-a always,exit -S execve -F auid=1001\n"
      "-a always,exit -S execve -F auid>=1000 -F auid<=60000\n"
      "-a always,exit -S execve -F auid<1000\n"
      "-a never,exit -S execve -F auid=unset\n"
      "-a always,exit -S execve -F auid!=4294967295 -F auid!=0\n"
      "-a always,exit -S execve -F loginuid=alice\n"
      "-a always,exit -S execve -F auid>=1000\n"
      "-a always,exit -S execve -F uid=0\n"
      "-a always,exit -S execve -F euid=0 -F euid!=5\n"
      "-a always,exit -S execve -F auid>=1000 -F auid<500\n");
  ASSERT_EQ(im.result.converted, 9) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "users"), Strings{"1001"});
  EXPECT_EQ(im.list(1, "users"), Strings{"1000-60000"});
  EXPECT_EQ(im.list(2, "users"), Strings{"0-999"});
  EXPECT_EQ(im.list(3, "users"), Strings{"4294967295"});
  EXPECT_EQ(im.list(4, "users"), Strings{});
  EXPECT_EQ(im.list(4, "exclude_users"), (Strings{"4294967295", "0"}));
  EXPECT_EQ(im.list(5, "users"), Strings{"alice"});
  EXPECT_EQ(im.list(6, "users"), Strings{"1000-4294967294"});
  EXPECT_TRUE(has_note(im.result.approximations, 7, "unset id"));  // no auid!=unset
  EXPECT_EQ(im.list(7, "users"), Strings{"0"});
  EXPECT_TRUE(has_note(im.result.approximations, 8, "-F uid became users"));
  EXPECT_EQ(im.list(8, "exclude_users"), Strings{"5"});
  EXPECT_TRUE(has_note(im.result.approximations, 9, "-F euid became users"));
  EXPECT_TRUE(has_note(im.result.skipped, 10, "no auid satisfies"));
  EXPECT_EQ(im.result.approximations.size(), 3u) << reasons(im.result.approximations);
}

TEST(AuditdImport, ResultsAndErrnos) {
  auto im = import(
      "-a always,exit -F arch=b64 -S mount -F success=1\n"
      "-a always,exit -F arch=b64 -S mount -F success=0\n"
      "-a always,exit -F arch=b64 -S open,openat -F exit=-EACCES -F auid>=1000 -F auid!=unset "
      "-k access\n"
      "-a never,exit -F arch=b64 -S openat -F exit=-ENOENT\n");
  ASSERT_EQ(im.result.converted, 4);
  EXPECT_EQ(im.get(0, "result"), "success");
  EXPECT_EQ(im.get(1, "result"), "failure");
  EXPECT_EQ(im.get(2, "result"), "failure");
  EXPECT_EQ(im.list(2, "events"), (Strings{"open", "openat"}));
  EXPECT_EQ(im.list(2, "errors"), Strings{"EACCES"});
  EXPECT_FALSE(has_note(im.result.approximations, 3, "-EACCES")) << "exact now";
  // An ignore of one errno is exact too (it was refused when only every failure could be).
  EXPECT_EQ(im.get(3, "action"), "ignore");
  EXPECT_EQ(im.list(3, "errors"), Strings{"ENOENT"});
}

// "A person acting as root" (euid=0 with auid>=1000): the objective keeps
// the person, auid, and says that the euid condition was left out; keeping
// euid=0 as users would have meant login uid 0, the opposite set.
TEST(AuditdImport, AuidIsKeptOverUidAndEuid) {
  auto im = import(
      "-a always,exit -F arch=b64 -S execve -F euid=0 -F auid>=1000 -F auid!=unset -k person\n"
      "-a always,exit -F arch=b64 -S execve -F uid=0 -F euid=0\n"
      "-a never,exit -F arch=b64 -S execve -F euid=0 -F auid=1000\n");
  ASSERT_EQ(im.result.converted, 2) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "users"), Strings{"1000-4294967294"});
  EXPECT_EQ(im.list(0, "exclude_users"), Strings{"4294967295"});
  EXPECT_TRUE(
      has_note(im.result.approximations, 1, "-F euid=0 (c2audit selects on one user field: auid)"));
  EXPECT_EQ(im.list(1, "users"), Strings{"0"});  // the first field, uid
  EXPECT_TRUE(
      has_note(im.result.approximations, 2, "-F euid=0 (c2audit selects on one user field: uid)"));
  EXPECT_TRUE(has_note(im.result.skipped, 3, "ignoring without it would ignore more"));
}

// On merged /usr the kernel names /bin/su /usr/bin/su: both are selected.
TEST(AuditdImport, BinAndSbinAlsoNameTheirUsrPaths) {
  auto im = import(
      "-w /sbin/insmod -p x -k modules\n"
      "-a always,exit -F arch=b64 -S execve -F exe=/bin/su -k su\n"
      "-a always,exit -F arch=b64 -S openat -F dir=/lib/modules -k mods\n"
      "-w /binaries -p r\n");
  ASSERT_EQ(im.result.converted, 4) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "paths"), (Strings{"/sbin/insmod", "/sbin/insmod/**", "/usr/sbin/insmod",
                                          "/usr/sbin/insmod/**"}));
  EXPECT_EQ(im.list(1, "programs"), (Strings{"/bin/su", "/usr/bin/su"}));
  EXPECT_EQ(im.list(2, "paths"), (Strings{"/lib/modules", "/lib/modules/**", "/usr/lib/modules",
                                          "/usr/lib/modules/**"}));
  EXPECT_EQ(im.list(3, "paths"), (Strings{"/binaries", "/binaries/**"}));
}

// a2&0100 on openat (a1 on open): O_CREAT, the class file.create.
TEST(AuditdImport, OpenFlagsCreateBecomeFileCreate) {
  auto im = import(
      "-a always,exit -F arch=b64 -S openat -F a2&0100 -F exit=-EACCES -k create\n"
      "-a always,exit -F arch=b64 -S open -F a1&0x40 -k create-open\n"
      "-a always,exit -F arch=b64 -S open,openat -F a2&0100 -k mixed\n"
      "-a always,exit -F arch=b64 -S openat -F a2&01003 -k modify\n");
  ASSERT_EQ(im.result.converted, 4) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "classes"), Strings{"file.create"});
  EXPECT_EQ(im.list(0, "errors"), Strings{"EACCES"});
  EXPECT_EQ(im.list(1, "classes"), Strings{"file.create"});
  EXPECT_EQ(im.list(2, "classes"), Strings{});  // open's a2 is its mode: left out
  EXPECT_TRUE(has_note(im.result.approximations, 3, "-F a2&0100 is not supported"));
  EXPECT_TRUE(has_note(im.result.approximations, 4, "-F a2&01003 is not supported"));
}

TEST(AuditdImport, ExitErrnosByNameOrNumber) {
  auto im = import(
      "-a always,exit -F arch=b64 -S openat -F exit=-13 -k by-number\n"
      "-a always,exit -F arch=b64 -S openat -F exit=-EBOGUS\n"
      "-a always,exit -F arch=b64 -S openat -F exit=-EPERM -F exit=-EACCES\n");
  ASSERT_EQ(im.result.converted, 1);
  EXPECT_EQ(im.list(0, "errors"), Strings{"EACCES"});
  EXPECT_TRUE(has_note(im.result.skipped, 2, "not an errno"));
  EXPECT_TRUE(has_note(im.result.skipped, 3, "two different errnos"));
}

TEST(AuditdImport, ProgramsAndUnsupportedFields) {
  auto im = import(
      "-a always,exit -F arch=b64 -S execve -F exe=/usr/bin/sudo -k sudo\n"
      "-a always,exit -F arch=b64 -S execve -C uid!=fsuid -F euid=0 -k execpriv\n"
      "-a never,exit -F arch=b64 -S all -F pid=1\n");
  ASSERT_EQ(im.result.converted, 2);
  EXPECT_EQ(im.list(0, "programs"), Strings{"/usr/bin/sudo"});
  EXPECT_TRUE(has_note(im.result.approximations, 2, "-C uid!=fsuid is not supported"));
  EXPECT_TRUE(has_note(im.result.skipped, 3, "-F pid=1 cannot be expressed"));
}

TEST(AuditdImport, NamesAreUniqueAndSafe) {
  auto im = import(
      "-w /etc/group -p wa -k identity\n"
      "-w /etc/passwd -p wa -k identity\n"
      "-w /etc/shadow -p wa -k identity\n"
      "-w /etc/hosts -p wa\n"
      "-w /etc/issue -p wa -k system -k locale\n"
      "-w /etc/selinux/ -p wa -F key=MAC$policy\n"
      "-w /etc/hostname -p wa -k auditd-line-4\n");
  ASSERT_EQ(im.result.converted, 7);
  EXPECT_EQ(im.get(0, "name"), "identity");
  EXPECT_EQ(im.get(1, "name"), "identity-2");
  EXPECT_EQ(im.get(2, "name"), "identity-3");
  EXPECT_EQ(im.get(3, "name"), "auditd-line-4");
  EXPECT_EQ(im.get(4, "name"), "system-locale");
  EXPECT_EQ(im.get(5, "name"), "MAC-policy");
  EXPECT_EQ(im.get(6, "name"), "auditd-line-4-2");
}

TEST(AuditdImport, ControlLinesAreSilent) {
  auto im = import(
      "## First rule - delete all\n-D\n\n-b 8192\n-f 1\n--backlog_wait_time 60000\n"
      "-i\n-c\n--loginuid-immutable\n-r 100\n-e 2\n   # indented comment\n");
  EXPECT_EQ(im.result.converted, 0);
  EXPECT_TRUE(im.result.skipped.empty()) << reasons(im.result.skipped);
  EXPECT_TRUE(im.result.approximations.empty());
  EXPECT_EQ(im.count(), 0u);
}

TEST(AuditdImport, UnconvertibleLinesCarryLineAndReason) {
  auto im = import(
      "-D\n"
      "-l\n"
      "-W /etc/passwd -p wa\n"
      "-w etc/passwd -p wa\n"
      "-w /etc/passwd -p wz\n"
      "-w /etc/\xff -p wa\n");
  EXPECT_EQ(im.result.converted, 0);
  ASSERT_EQ(im.result.skipped.size(), 5u) << reasons(im.result.skipped);
  EXPECT_EQ(im.result.skipped[0].line, 2);
  EXPECT_EQ(im.result.skipped[0].why, "unknown option -l");
  EXPECT_EQ(im.result.skipped[0].text, "-l");
  EXPECT_TRUE(has_note(im.result.skipped, 3, "deletes a rule"));
  EXPECT_TRUE(has_note(im.result.skipped, 4, "not absolute"));
  EXPECT_TRUE(has_note(im.result.skipped, 5, "bad permission 'z'"));
  EXPECT_TRUE(has_note(im.result.skipped, 6, "UTF-8"));
}

TEST(AuditdImport, PrependedRulesComeFirst) {
  auto im = import(
      "-a always,exit -F arch=b64 -S execve -k late\n"
      "-A never,exit -F arch=b64 -S execve -F exe=/usr/bin/noisy -k early\n");
  EXPECT_EQ(im.get(0, "name"), "early");
  EXPECT_EQ(im.get(0, "action"), "ignore");
  EXPECT_EQ(im.get(1, "name"), "late");
}

TEST(AuditdImport, StringsAreQuoted) {
  auto im = import(
      "-w /srv/a\"b\\c -p w -k quote\n"
      "-w /srv/caf\xc3\xa9/ -p r\n"
      "-w /srv/*.conf -p r\n");
  ASSERT_EQ(im.result.converted, 3) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "paths"), (Strings{"/srv/a\"b\\c", "/srv/a\"b\\c/**"}));
  EXPECT_EQ(im.list(1, "paths"), (Strings{"/srv/caf\xc3\xa9", "/srv/caf\xc3\xa9/**"}));
  EXPECT_TRUE(has_note(im.result.approximations, 3, "glob characters"));
}

// Whatever the input, the output is a TOML document and nothing throws.
TEST(AuditdImport, HostileInputStillGivesValidToml) {
  using namespace std::string_literals;
  std::string rules = "-w /etc/a\x01b -p w -k k\x7f\n"s + "-w /etc/nul\0x -p r\n"s +
                      "-w /etc/cr\rmid -p r\n" + "-a always,exit -S open -k " +
                      std::string(5000, 'k') + "\n" + "-F\n-k\n-a\n,\n-w\n\"\n" +
                      "-a always,exit -S execve -F exe=/bin/\"'''\"\n";
  Imported im{import_auditd_rules(rules, "bad\nname.rules"), {}};
  try {
    im.doc = toml::parse(im.result.toml);
  } catch (const toml::parse_error& e) {
    FAIL() << e << "\n" << im.result.toml;
  }
  EXPECT_EQ(im.count(), 4u) << reasons(im.result.skipped);
  EXPECT_EQ(im.list(0, "paths"), (Strings{"/etc/a\x01b", "/etc/a\x01b/**"}));
  EXPECT_EQ(im.list(1, "paths"), (Strings{"/etc/nul"s + '\0' + "x", "/etc/nul"s + '\0' + "x/**"}));
  EXPECT_EQ(im.list(3, "programs"), (Strings{"/bin/\"'''\"", "/usr/bin/\"'''\""}));
  EXPECT_EQ(im.result.skipped.size(), 7u) << reasons(im.result.skipped);
  EXPECT_TRUE(has_note(im.result.skipped, 3, "unexpected argument mid"));  // \r splits words
}

// A Debian/CIS-style rules file end to end: every rule is accounted for.
TEST(AuditdImport, RealWorldFile) {
  constexpr std::string_view kRules = R"(## Remove any existing rules
-D
-b 8192
--backlog_wait_time 60000
-f 1

-a always,exit -F arch=b64 -S adjtimex,settimeofday -k time-change
-a always,exit -F arch=b32 -S adjtimex,settimeofday,stime -k time-change
-a always,exit -F arch=b64 -S clock_settime -k time-change
-w /etc/localtime -p wa -k time-change
-w /etc/group -p wa -k identity
-w /etc/passwd -p wa -k identity
-a always,exit -F arch=b64 -S sethostname,setdomainname -k system-locale
-w /etc/issue -p wa -k system-locale
-w /var/log/faillog -p wa -k logins
-w /var/run/utmp -p wa -k session
-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=4294967295 -k perm_mod
-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=4294967295 -k access
-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=4294967295 -k mounts
-a always,exit -F arch=b64 -S unlink,unlinkat,rename,renameat -F auid>=1000 -F auid!=4294967295 -k delete
-w /etc/sudoers -p wa -k scope
-w /var/log/sudo.log -p wa -k actions
-w /sbin/insmod -p x -k modules
-a always,exit -F arch=b64 -S init_module,delete_module -k modules
-a never,exclude -F msgtype=CWD
-e 2
)";
  auto im = import(kRules);
  EXPECT_EQ(im.result.converted, 18) << reasons(im.result.skipped);
  EXPECT_EQ(im.result.skipped.size(), 1u) << reasons(im.result.skipped);
  EXPECT_TRUE(has_note(im.result.approximations, 8, "either ABI"));
  EXPECT_TRUE(has_note(im.result.skipped, 25, "exclude list"));
  EXPECT_EQ(im.result.approximations.size(), 1u) << reasons(im.result.approximations);
  EXPECT_EQ(im.get(11, "name"), "access");
  EXPECT_EQ(im.list(11, "errors"), Strings{"EACCES"});  // exact: no approximation
  EXPECT_EQ(im.get(0, "name"), "time-change");
  EXPECT_EQ(im.get(1, "name"), "time-change-2");
  EXPECT_NE(im.result.toml.find("Criticality is \"medium\""), std::string::npos);
  EXPECT_NE(im.result.toml.find("# test.rules:24: -a always,exit -F arch=b64 -S init_module"),
            std::string::npos);
}

}  // namespace
}  // namespace c2audit
