// The kernel pre-filter compiled from objectives: it must let through every
// event an objective records (a superset), and drop what none can select.
#include "policy/kernel_filter.h"

#include <fcntl.h>
#include <string.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "syscalls/syscall_table.h"
#include "policy/objective_file.h"

namespace c2audit {
namespace {

ObjectiveSet set_of(std::string_view text) {
  auto r = parse_objectives(text, "test.toml", [](const std::string&) { return std::nullopt; });
  EXPECT_TRUE(r) << r.error().message;
  return ObjectiveSet("test", r ? *r : std::vector<Objective>{});
}

struct Probe {
  std::string event;
  uint64_t open_flags = O_RDONLY;
  std::string path;
  bool success = true;
  uint32_t uid = 0;
  uint32_t auid = kUnsetId;
  std::string exe = "/usr/bin/cat";
  int err = EACCES;
};

AuditRecord record_of(const Probe& p) {
  const SyscallInfo* info = find_syscall(p.event);
  AuditRecord rec;
  rec.event = p.event;
  rec.syscall_nr = info->nr;
  rec.event_class = std::string(event_class_of(*info, p.open_flags));
  rec.path = p.path;
  rec.success = p.success;
  rec.errno_name = p.success ? "" : strerrorname_np(p.err);
  rec.uid = p.uid;
  rec.auid = p.auid;
  rec.exe = p.exe;
  return rec;
}

bool passes(const KernelFilter& f, const Probe& p) {
  AuditRecord rec = record_of(p);
  KernelEvent e;
  e.nr = rec.syscall_nr;
  e.success = p.success;
  e.error = p.success ? 0 : p.err;
  e.open_flags = p.open_flags;
  e.subject_id = subject_id(rec);
  e.no_login = p.auid == kUnsetId;
  if (!p.path.empty()) e.path = p.path;
  return kernel_passes(f, e);
}

constexpr std::string_view kPolicy = R"(
[[objective]]
name = "skip-root-execs"
classes = ["process.exec"]
users = [0]
action = "ignore"
[[objective]]
name = "etc-writes"
classes = ["file.write", "file.create"]
paths = ["/etc/**"]
[[objective]]
name = "ssh-keys"
classes = ["file.read"]
paths = ["/etc/ssh/*_key", "/root/.ssh/**"]
exclude_paths = ["/etc/ssh/moduli_key"]
[[objective]]
name = "alice-execs"
classes = ["process.exec"]
users = [1000, "2000-2999"]
[[objective]]
name = "failures"
classes = ["file.*"]
result = "failure"
exclude_users = ["unset"]
[[objective]]
name = "denied-mounts"
classes = ["admin.mount"]
errors = ["EACCES", "EPERM"]
[[objective]]
name = "vim-opens"
events = ["openat"]
programs = ["/usr/bin/vim"]
[[objective]]
name = "bob-connects"
classes = ["net.connect"]
users = [1001]
)";

TEST(KernelFilter, LetsThroughEverythingTheObjectivesRecord) {
  auto set = set_of(kPolicy);
  auto filter = compile_kernel_filter(set);
  std::vector<Probe> probes;
  for (std::string event : {"openat", "open", "execve", "unlink", "umount2"}) {
    for (uint64_t flags : {O_RDONLY, O_WRONLY, O_RDWR | O_CREAT, O_RDONLY | O_TRUNC}) {
      for (std::string path : {"/etc/passwd", "/etc/ssh/host_rsa_key", "/etc/ssh/moduli_key",
                               "/root/.ssh/id_ed25519", "/home/a/x", "/etcetera", ""}) {
        for (bool ok : {true, false}) {
          for (uint32_t auid : {0u, 1000u, 2500u, kUnsetId}) {
            for (std::string exe : {"/usr/bin/cat", "/usr/bin/vim"}) {
              for (int err : {EACCES, ENOENT}) {
                probes.push_back({event, flags, path, ok, 1000, auid, exe, err});
              }
            }
          }
        }
      }
    }
  }
  int recorded = 0, dropped = 0;
  for (const auto& p : probes) {
    bool records = set.match(record_of(p)) != nullptr;
    bool through = passes(filter, p);
    if (records) {
      ++recorded;
      EXPECT_TRUE(through) << p.event << " " << p.path << " auid " << p.auid << " flags "
                           << p.open_flags << " ok " << p.success << " " << p.exe;
    }
    if (!through) ++dropped;
  }
  EXPECT_GT(recorded, 100);
  EXPECT_GT(dropped, 100);  // and the filter really filters
}

TEST(KernelFilter, DropsWhatNoObjectiveCanSelect) {
  auto filter = compile_kernel_filter(set_of(kPolicy));
  // open, not openat: vim-opens (programs are judged in user space) lets
  // every openat through.
  EXPECT_FALSE(passes(filter, {"open", O_RDONLY, "/etc/passwd"}));    // reads of /etc: none
  EXPECT_FALSE(passes(filter, {"open", O_WRONLY, "/home/a/x"}));      // writes outside /etc
  EXPECT_FALSE(passes(filter, {"open", O_WRONLY, "/etcetera/x"}));    // not under /etc/
  EXPECT_TRUE(passes(filter, {"open", O_WRONLY, "/etc/hosts"}));
  EXPECT_TRUE(passes(filter, {"open", O_RDONLY, "/etc/ssh/a_key"}));  // folded: /etc/ + /etc/ssh/
  EXPECT_TRUE(passes(filter, {"openat", O_RDONLY, "/home/a/x"}));
  EXPECT_FALSE(passes(filter, {"connect", 0, "", true, 1000, 1000}));
  EXPECT_TRUE(passes(filter, {"connect", 0, "", true, 1000, 1001}));
  EXPECT_FALSE(passes(filter, {"bind", 0, ""}));                      // no objective names it
  // An ignore decided exactly in the kernel: root's execs never leave it.
  EXPECT_FALSE(passes(filter, {"execve", 0, "", true, 0, 0}));
  EXPECT_TRUE(passes(filter, {"execve", 0, "", true, 0, 1000}));
  EXPECT_TRUE(passes(filter, {"execve", 0, "", true, 0, 1500}));  // ranges: user space decides
  // "unset" excludes processes without a login uid, whatever their uid.
  EXPECT_FALSE(passes(filter, {"unlink", 0, "", false, 1000, kUnsetId}));
  EXPECT_TRUE(passes(filter, {"unlink", 0, "", false, 1000, 1000}));
  // errno lists are checked in the kernel.
  Probe denied{"umount2", 0, "", false, 0, 1234};
  EXPECT_TRUE(passes(filter, denied));
  denied.err = ENOENT;
  EXPECT_FALSE(passes(filter, denied));
}

// An ignore with a criterion only user space judges is not decided in the
// kernel: it would drop what its other objectives record.
TEST(KernelFilter, AnIgnoreNarrowedInUserSpaceIsNotDecidedInTheKernel) {
  for (std::string narrowing : {"sessions = [7]", "compare = [\"uid != euid\"]",
                                "file_types = [\"dir\"]", "mode_bits = [\"setuid\"]",
                                "families = [\"unix\"]", "xattrs = [\"user.*\"]"}) {
    auto filter = compile_kernel_filter(set_of(
        "[[objective]]\nname = \"skip\"\nclasses = [\"process.exec\"]\nusers = [0]\n"
        "action = \"ignore\"\n" + narrowing + "\n[[objective]]\nname = \"execs\"\n"
        "classes = [\"process.exec\"]\n"));
    EXPECT_TRUE(passes(filter, {"execve", 0, "", true, 0, 0})) << narrowing;
  }
}

// Files named literally are also watched by identity, and so are the
// directories of whole trees ("/etc/audit/**"); other globs are not.
TEST(KernelFilter, FilesNamedLiterallyAndWholeTreesAreWatchedByIdentity) {
  auto f = compile_kernel_filter(set_of(R"(
[[objective]]
name = "shadow"
classes = ["file.*"]
paths = ["/etc/shadow", "/etc/ssh/*_key", "/etc/audit/**"]
[[objective]]
name = "any"
events = ["openat"]
[[objective]]
name = "both"
events = ["openat"]
paths = ["/etc/shadow", "/root/.ssh/authorized_keys"]
[[objective]]
name = "trees"
events = ["openat"]
paths = ["/home/*/.ssh/**", "/var/log/**", "/**", "/var/lib/a-name-past-the-short-string/**"]
)"));
  EXPECT_EQ(f.watched_files,
            (std::map<std::string, uint64_t>{{"/etc/audit", 0b0001},
                                             {"/etc/shadow", 0b0101},
                                             {"/root/.ssh/authorized_keys", 0b0100},
                                             {"/var/lib/a-name-past-the-short-string", 0b1000},
                                             {"/var/log", 0b1000}}));
  EXPECT_EQ(f.masks.by_inode, 0b0101u);
  EXPECT_EQ(f.masks.by_dir, 0b1001u);
}

// The path gate knows each prefix by its first component, when the prefix
// holds all of it; the rest it lets through (any_top).
TEST(KernelFilter, ThePathGateKnowsPrefixesByTheirWholeFirstComponent) {
  std::string long_top(30, 'l');
  auto f = compile_kernel_filter(set_of(R"(
[[objective]]
name = "keys"
classes = ["file.read"]
paths = ["/etc/shadow", "/home/*/.ssh/**", "/root/.ssh/**"]
[[objective]]
name = "anywhere"
classes = ["file.write"]
paths = ["/*/secret", "/et*/x"]
[[objective]]
name = "long"
classes = ["file.read"]
paths = ["/)" + long_top + R"(/x/**"]
)"));
  EXPECT_EQ(f.top_components, (std::map<std::string, uint64_t>{
                                  {"etc", 0b1}, {"home", 0b1}, {"root", 0b1}, {long_top, 0b100}}));
  EXPECT_EQ(f.masks.any_top, 0b10u);
  EXPECT_TRUE(passes(f, {"openat", O_RDONLY, "/home/a/.ssh/id_rsa"}));
  EXPECT_TRUE(passes(f, {"openat", O_WRONLY, "/srv/secret"}));  // "anywhere": any first component
  EXPECT_TRUE(passes(f, {"openat", O_RDONLY, "/" + long_top + "/x/y"}));
  // Same length and first bytes: through the gate, then dropped by the prefix.
  EXPECT_FALSE(passes(f, {"openat", O_RDONLY, "/" + long_top.substr(0, 29) + "m/x/y"}));
  EXPECT_FALSE(passes(f, {"openat", O_RDONLY, "/tmp/shadow"}));
}

TEST(KernelFilter, ObjectivesBeyondTheLastBitShareIt) {
  std::string text;
  for (int i = 0; i < C2A_FILTER_OBJECTIVES + 10; ++i) {
    text += "[[objective]]\nname = \"o" + std::to_string(i) + "\"\nevents = [\"openat\"]\n" +
            "users = [" + std::to_string(i) + "]\n";
  }
  auto set = set_of(text);
  auto filter = compile_kernel_filter(set);
  for (uint32_t id : {0u, 62u, 63u, 64u, 73u}) {
    EXPECT_TRUE(passes(filter, {"openat", O_RDONLY, "/x", true, id, id})) << id;
  }
  EXPECT_FALSE(passes(filter, {"openat", O_RDONLY, "/x", true, 500, 500}));
}

// The sensor skips its user lookups unless a candidate objective names users.
TEST(KernelFilter, MarksOnlyObjectivesThatNameUsersAsNeedingTheUserLookup) {
  auto filter = compile_kernel_filter(set_of(R"(
[[objective]]
name = "anyone"
events = ["openat"]
[[objective]]
name = "root only"
events = ["openat"]
users = [0]
[[objective]]
name = "all but nobody"
events = ["openat"]
exclude_users = [65534]
)"));
  EXPECT_EQ(filter.masks.user_lists, 0b110u);
  EXPECT_EQ(filter.masks.any_user & 0b001u, 0b001u);
}

// An objective names a call once; its ia32 numbers are selected with it,
// in the ia32 section, and the x86-64 entry of each such number tells the
// sensor to ask which ABI a call used.
TEST(KernelFilter, Ia32CallsAreSelectedWithTheirX8664Names) {
  auto f = compile_kernel_filter(set_of(R"(
[[objective]]
name = "opens"
events = ["open", "chown", "connect"]
)"));
  const auto& open32 = f.entry(C2A_ABI_IA32, 5);  // ia32 open
  EXPECT_TRUE(open32.spec.flags & C2A_SPEC_AUDIT);
  EXPECT_TRUE(open32.spec.flags & C2A_SPEC_RET_FD);
  EXPECT_TRUE(f.entry(C2A_ABI_IA32, 212).spec.flags & C2A_SPEC_AUDIT);  // chown32
  EXPECT_TRUE(f.entry(C2A_ABI_IA32, 182).spec.flags & C2A_SPEC_AUDIT);  // 16-bit chown
  const auto& fstat = f.entry(C2A_ABI_X86_64, 5);  // x86-64 5: fstat, not selected
  EXPECT_FALSE(fstat.spec.flags & C2A_SPEC_AUDIT);
  EXPECT_TRUE(fstat.spec.flags & C2A_SPEC_IA32_TOO);
  EXPECT_TRUE(f.entry(C2A_ABI_X86_64, C2A_IA32_SOCKETCALL).spec.flags & C2A_SPEC_IA32_TOO);
  EXPECT_TRUE(f.entry(C2A_ABI_X86_64, SYS_open).spec.flags & C2A_SPEC_AUDIT);
  EXPECT_FALSE(f.entry(C2A_ABI_IA32, SYS_open).spec.flags & C2A_SPEC_AUDIT);  // ia32 2: fork

  KernelEvent e;
  e.abi = C2A_ABI_IA32;
  e.nr = 5;
  EXPECT_TRUE(kernel_passes(f, e));
  e.abi = C2A_ABI_X86_64;
  EXPECT_FALSE(kernel_passes(f, e));
}

// Selecting an x86-64 call must not lose the ia32 flag another objective set
// on the same entry.
TEST(KernelFilter, Ia32FlagSurvivesALaterObjective) {
  auto f = compile_kernel_filter(set_of(R"(
[[objective]]
name = "ia32-open"
events = ["open"]

[[objective]]
name = "fstat-number"
events = ["openat"]
)"));
  // ia32 open is 5; x86-64 openat is 257, ia32 openat 295.
  EXPECT_TRUE(f.entry(C2A_ABI_X86_64, 5).spec.flags & C2A_SPEC_IA32_TOO);
  EXPECT_TRUE(f.entry(C2A_ABI_X86_64, 295).spec.flags & C2A_SPEC_IA32_TOO);
  EXPECT_TRUE(f.entry(C2A_ABI_X86_64, SYS_openat).spec.flags & C2A_SPEC_AUDIT);
}

}  // namespace
}  // namespace c2audit
