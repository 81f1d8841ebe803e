// Objective files: parsing, every error with its file:line:column, and the
// semantics of each criterion and of first-match ordering.
#include "policy/objective_file.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "syscalls/syscall_table.h"
#include "scratch_files.h"
#include "policy/default_objectives.h"
#include "policy/objective_set.h"

namespace c2audit {
namespace {

std::optional<uint32_t> fake_users(const std::string& name) {
  if (name == "alice") return 1000;
  if (name == "root") return 0;
  return std::nullopt;
}

Result<std::vector<Objective>> parse(std::string_view text) {
  return parse_objectives(text, "test.toml", fake_users);
}

std::string error_of(std::string_view text) {
  auto r = parse(text);
  return r ? "(parsed)" : r.error().message;
}

AuditRecord event(std::string name, std::string cls, std::string path = "", bool ok = true) {
  AuditRecord rec;
  rec.event = std::move(name);
  rec.event_class = std::move(cls);
  rec.path = std::move(path);
  rec.success = ok;
  rec.errno_name = ok ? "" : "EACCES";
  rec.uid = 1000;
  rec.exe = "/usr/bin/vim";
  return rec;
}

TEST(ObjectiveFile, ParsesEveryKey) {
  auto r = parse(R"(
[[objective]]
name = "etc-writes"
classes = ["file.write", "admin.*"]
events = ["openat", "unlink"]
users = ["alice", 0, "2000-2999"]
exclude_users = [4294967295]
paths = ["/etc/**"]
exclude_paths = ["/etc/mtab"]
programs = ["/usr/bin/*"]
result = "failure"
errors = ["EACCES"]
criticality = "high"
action = "ignore"
)");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const Objective& o = r->front();
  EXPECT_EQ(o.name, "etc-writes");
  EXPECT_EQ(o.classes, (std::vector<std::string>{"file.write", "admin.*"}));
  EXPECT_EQ(o.events, (std::vector<std::string>{"openat", "unlink"}));
  ASSERT_EQ(o.users.size(), 3u);
  EXPECT_EQ(o.users[0].first, 1000u);
  EXPECT_EQ(o.users[2].first, 2000u);
  EXPECT_EQ(o.users[2].last, 2999u);
  EXPECT_EQ(o.exclude_users[0].first, 4294967295u);
  EXPECT_EQ(o.result, ResultSelector::failure);
  EXPECT_EQ(o.criticality, "high");
  EXPECT_EQ(o.action, ObjectiveAction::ignore);
  EXPECT_EQ(o.where.line, 2);
}

TEST(ObjectiveFile, DefaultsAreValidAndCoverTheBaseline) {
  auto r = parse(default_objectives_toml());
  ASSERT_TRUE(r) << r.error().message;
  std::vector<std::string> names;
  for (const auto& o : *r) names.push_back(o.name);
  for (auto want : {"program-execution", "system-file-change", "credential-store-read",
                    "access-denied", "privilege-change", "mounts", "time-change", "module-load",
                    "host-name-change", "reboot", "process-tracing", "network-listen"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
}

TEST(ObjectiveFile, EveryErrorNamesFileLineAndColumn) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.red\"]\n",
       "test.toml:3:12: 'file.red': not an event class"},
      {"[[objective]]\nname = \"a\"\nevents = [\"openat\", \"read\"]\n",
       "test.toml:3:21: 'read': not a syscall c2audit covers"},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\nusers = [\"9-1\"]\n",
       "test.toml:4:10: user range runs backwards"},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\nusers = [-1]\n",
       "test.toml:4:10: user id out of range"},
      // A float is no user id (and must not be converted to one first: UBSan).
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\nusers = [1E99]\n",
       "test.toml:4:10: a user is a name, an id or a range \"A-B\""},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\npaths = [\"etc/*\"]\n",
       "test.toml:4:10: 'etc/*': a path glob starts with '/', '**' or 'memfd:'"},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\nprograms = [\"vim\"]\n",
       "test.toml:4:13: 'vim': a program glob starts with '/', '*' or 'memfd:'"},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\nresult = \"ok\"\n",
       "test.toml:4:10: 'result' must be one of: any, success, failure"},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\ncriticality = \"urgent\"\n",
       "test.toml:4:15: 'criticality' must be one of: critical, high, medium, low, info"},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\naction = \"log\"\n",
       "test.toml:4:10: 'action' must be one of: record, ignore"},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\nerrors = [\"EWHAT\"]\n",
       "test.toml:4:11: 'EWHAT': not an errno name"},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\npath = [\"/etc\"]\n",
       "test.toml:4:1: unknown key 'path'"},
      {"[[objective]]\nclasses = [\"file.read\"]\n", "test.toml:1:1: objective without a 'name'"},
      {"[[objective]]\nname = \"a\"\n", "test.toml:1:1: objective 'a' names neither"},
      {"[[objective]]\nname = \"a\"\nclasses = \"file.read\"\n",
       "test.toml:3:11: 'classes' must be an array"},
      {"[[objective]]\nname = \"a\"\nclasses = [1]\n", "test.toml:3:12: 'classes' holds strings"},
      {"[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\n[[objective]]\nname = \"a\"\n"
       "classes = [\"file.read\"]\n",
       "test.toml:4:1: objective 'a' is already defined at line 1"},
      {"[objective]\nname = \"a\"\n", "test.toml:1:2: unexpected 'objective'"},
      {"title = \"x\"\n", "test.toml:1:1: unexpected 'title'"},
      {"[[objective]]\nname = \"a\nclasses = []\n", "test.toml:2:"},
  };
  for (const auto& c : cases) {
    std::string error = error_of(c.text);
    EXPECT_TRUE(error.starts_with(c.error)) << "got: " << error << "\nwant: " << c.error;
  }
}

// As auditctl warns and skips: a name the system does not know matches no
// process, so it is left out of its list with a warning, and an objective
// whose every user is unknown selects no one and is skipped.
TEST(ObjectiveFile, UnknownUsersAreLeftOutWithAWarning) {
  auto parsed = parse(
      "[[objective]]\nname = \"some\"\nclasses = [\"file.read\"]\n"
      "users = [\"mallory\", \"alice\"]\nexclude_users = [\"ntp\"]\n"
      "[[objective]]\nname = \"none\"\nclasses = [\"file.read\"]\nusers = [\"mallory\"]\n");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 2u);
  const Objective& some = (*parsed)[0];
  ASSERT_EQ(some.users.size(), 1u);
  EXPECT_EQ(some.users[0].first, 1000u);
  EXPECT_TRUE(some.exclude_users.empty());
  EXPECT_FALSE(some.skipped);
  std::vector<std::string> warnings = some.warnings;
  std::sort(warnings.begin(), warnings.end());
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "test.toml:4:10: no such user 'mallory': left out of 'users'",
                          "test.toml:5:18: no such user 'ntp': left out of 'exclude_users'"}));
  EXPECT_TRUE((*parsed)[1].skipped);

  ObjectiveSet set("test", std::move(*parsed));
  ASSERT_EQ(set.objectives().size(), 1u) << "'none' selects no one: skipped";
  EXPECT_EQ(set.objectives()[0].name, "some");
  ASSERT_EQ(set.warnings().size(), 4u);
  EXPECT_EQ(set.warnings()[3],
            "test.toml:6:1: objective 'none' is skipped: none of its users (or file owners) "
            "exists (until the policy is loaded again)");
  AuditRecord by_alice = event("openat", "file.read");
  EXPECT_TRUE(set.match(by_alice));
  by_alice.uid = 0;
  EXPECT_FALSE(set.match(by_alice)) << "the unknown name must not widen the list";
}

// An ignore whose file owners are all unknown must ignore nothing, not every
// file: the objective is skipped, as one whose users are all unknown is.
TEST(ObjectiveFile, UnknownFileOwnersNeverWidenAnIgnore) {
  auto parsed = parse("[[objective]]\nname = \"skip-mallorys\"\nevents = [\"openat\"]\n"
                      "file_owners = [\"mallory\"]\naction = \"ignore\"\n"
                      "[[objective]]\nname = \"opens\"\nevents = [\"openat\"]\n");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE((*parsed)[0].skipped);
  ObjectiveSet set("test", std::move(*parsed));
  AuditRecord open = event("openat", "file.read", "/etc/passwd");
  open.inode = 7;
  open.obj_uid = 0;
  ASSERT_TRUE(set.match(open));
  EXPECT_EQ(set.match(open)->name, "opens");
}

TEST(ObjectiveFile, ModeBitsAndXattrs) {
  auto parsed = parse("[[objective]]\nname = \"a\"\nclasses = [\"file.attr\"]\n"
                      "mode_bits = [\"setuid\", \"world-writable\"]\nxattrs = [\"security.*\"]\n");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const Objective& o = parsed->front();
  EXPECT_EQ(o.mode_bits, 04002u);
  AuditRecord rec = event("fchmodat", "file.attr", "/tmp/x");
  rec.xattr = "security.capability";
  rec.mode = 04755;
  EXPECT_TRUE(objective_matches(o, rec));
  rec.mode = 0777;  // world-writable
  EXPECT_TRUE(objective_matches(o, rec));
  rec.mode = 02755;  // setgid: not asked for
  EXPECT_FALSE(objective_matches(o, rec));
  EXPECT_EQ(first_mismatch(o, rec), "the mode or xattr set is not one it selects");
  rec.mode = 04755;
  rec.xattr = "user.note";
  EXPECT_FALSE(objective_matches(o, rec));
  EXPECT_EQ(error_of("[[objective]]\nname = \"a\"\nclasses = [\"file.attr\"]\n"
                     "mode_bits = [\"suid\"]\n"),
            "test.toml:4:14: 'suid': not a mode bit (setuid, setgid, sticky, world-writable)");
}

TEST(ObjectiveFile, SessionsFamiliesFilesAndComparisons) {
  auto parsed = parse("[[objective]]\nname = \"a\"\nclasses = [\"file.*\", \"net.*\"]\n"
                      "sessions = [3, \"10-20\", \"unset\"]\nfamilies = [\"inet6\"]\n"
                      "file_types = [\"file\"]\nfile_owners = [\"root\"]\n"
                      "compare = [\"uid != euid\", \"auid=obj_uid\"]\n");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const Objective& o = parsed->front();
  ASSERT_EQ(o.sessions.size(), 3u);
  EXPECT_EQ(o.sessions[2].first, kUnsetId);
  ASSERT_EQ(o.compare.size(), 2u);
  EXPECT_EQ(o.compare[0].left, IdField::uid);
  EXPECT_EQ(o.compare[0].right, IdField::euid);
  EXPECT_FALSE(o.compare[0].equal);
  EXPECT_EQ(o.compare[1].right, IdField::obj_uid);
  EXPECT_TRUE(o.compare[1].equal);
  EXPECT_TRUE(has_user_space_criteria(o));
  for (const char* bad : {"compare = [\"uid < euid\"]", "compare = [\"uid != fsuid\"]",
                          "compare = [\"uid\"]", "sessions = [\"alice\"]",
                          "families = [\"ipx\"]", "file_types = [\"regular\"]"}) {
    std::string text = std::string("[[objective]]\nname = \"a\"\nclasses = [\"file.*\"]\n") +
                       bad + "\n";
    EXPECT_TRUE(error_of(text).starts_with("test.toml:4:")) << bad << ": " << error_of(text);
  }
}

TEST(ObjectiveMatch, SessionsFamiliesFilesAndComparisons) {
  auto only = [](std::string keys) {
    auto parsed = parse("[[objective]]\nname = \"o\"\nclasses = [\"file.*\", \"net.*\"]\n" +
                        keys + "\n");
    EXPECT_TRUE(parsed) << keys;
    return parsed->front();
  };
  AuditRecord rec = event("openat", "file.read", "/etc/shadow");
  rec.ses = 5;
  rec.uid = 1000;
  rec.euid = 0;
  rec.auid = 1000;
  rec.inode = 42;
  rec.obj_mode = 0100640;
  rec.obj_uid = 0;
  rec.obj_gid = 42;
  rec.pgid = 777;
  EXPECT_TRUE(objective_matches(only("process_groups = [\"700-800\"]"), rec));
  EXPECT_FALSE(objective_matches(only("process_groups = [1]"), rec));
  EXPECT_TRUE(objective_matches(only("sessions = [5]"), rec));
  EXPECT_FALSE(objective_matches(only("sessions = [\"unset\"]"), rec));
  EXPECT_TRUE(objective_matches(only("compare = [\"uid != euid\"]"), rec));
  EXPECT_FALSE(objective_matches(only("compare = [\"uid = euid\"]"), rec));
  EXPECT_TRUE(objective_matches(only("compare = [\"auid != obj_uid\"]"), rec));
  EXPECT_TRUE(objective_matches(only("file_types = [\"file\", \"dir\"]"), rec));
  EXPECT_FALSE(objective_matches(only("file_types = [\"dir\"]"), rec));
  EXPECT_TRUE(objective_matches(only("file_owners = [\"root\"]"), rec));
  EXPECT_FALSE(objective_matches(only("file_owners = [\"alice\"]"), rec));
  EXPECT_EQ(first_mismatch(only("file_owners = [\"alice\"]"), rec),
            "the object's type or owner is not one it selects");
  rec.inode = 0;  // no object: nothing about it holds, not even "!="
  EXPECT_FALSE(objective_matches(only("compare = [\"auid != obj_uid\"]"), rec));
  EXPECT_FALSE(objective_matches(only("file_types = [\"file\"]"), rec));
  AuditRecord connect = event("connect", "net.connect");
  connect.family = "inet6";
  EXPECT_TRUE(objective_matches(only("families = [\"inet\", \"inet6\"]"), connect));
  connect.family = "unix";
  EXPECT_FALSE(objective_matches(only("families = [\"inet\", \"inet6\"]"), connect));
}

TEST(ObjectiveFile, MissingFileIsNamed) {
  auto r = read_objective_file("/nonexistent/c2audit.toml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "/nonexistent/c2audit.toml: cannot read: No such file or directory");
}

ObjectiveSet set_of(std::string_view text) {
  auto r = parse(text);
  EXPECT_TRUE(r) << r.error().message;
  return ObjectiveSet("test", r ? *r : std::vector<Objective>{});
}

std::string decided(const ObjectiveSet& set, const AuditRecord& rec) {
  const Objective* o = set.match(rec);
  return o ? o->name : "-";
}

TEST(ObjectiveMatch, FirstMatchWinsAndIgnoreDrops) {
  auto set = set_of(R"(
[[objective]]
name = "skip-tmp"
classes = ["file.*"]
paths = ["/tmp/**"]
action = "ignore"
[[objective]]
name = "files"
classes = ["file.*"]
criticality = "low"
[[objective]]
name = "etc"
classes = ["file.write"]
paths = ["/etc/**"]
)");
  EXPECT_EQ(decided(set, event("openat", "file.write", "/tmp/x")), "-");
  EXPECT_EQ(decided(set, event("openat", "file.write", "/etc/passwd")), "files");
  EXPECT_EQ(set.hits()[0], 1u);
  EXPECT_EQ(set.hits()[1], 1u);
  EXPECT_EQ(set.hits()[2], 0u);
}

TEST(ObjectiveMatch, EachCriterion) {
  auto set = set_of(R"(
[[objective]]
name = "o"
classes = ["file.write"]
events = ["openat"]
users = ["alice"]
exclude_paths = ["/etc/mtab"]
paths = ["/etc/**"]
programs = ["/usr/bin/*"]
result = "success"
)");
  AuditRecord base = event("openat", "file.write", "/etc/hosts");
  EXPECT_EQ(decided(set, base), "o");
  auto changed = [&](auto change) {
    AuditRecord rec = base;
    change(rec);
    return decided(set, rec);
  };
  EXPECT_EQ(changed([](AuditRecord& r) { r.event_class = "file.read"; }), "-");
  EXPECT_EQ(changed([](AuditRecord& r) { r.event = "open"; }), "-");
  EXPECT_EQ(changed([](AuditRecord& r) { r.uid = 0; }), "-");
  EXPECT_EQ(changed([](AuditRecord& r) { r.auid = 0; }), "-");      // auid wins over uid
  EXPECT_EQ(changed([](AuditRecord& r) { r.uid = 0, r.auid = 1000; }), "o");
  EXPECT_EQ(changed([](AuditRecord& r) { r.path = "/etc/mtab"; }), "-");
  EXPECT_EQ(changed([](AuditRecord& r) { r.path = "/var/x"; }), "-");
  EXPECT_EQ(changed([](AuditRecord& r) { r.path = "/var/x", r.path2 = "/etc/x"; }), "o");
  EXPECT_EQ(changed([](AuditRecord& r) { r.exe = "/usr/local/bin/vim"; }), "-");
  EXPECT_EQ(changed([](AuditRecord& r) { r.success = false; }), "-");
}

// A watched file reached by another name (a hard link) is judged as that
// file: selected by its name, and excluded only by an exclusion of it.
TEST(ObjectiveMatch, AWatchedFileByAnotherNameIsJudgedAsThatFile) {
  auto set = set_of(R"(
[[objective]]
name = "shadow"
events = ["openat"]
paths = ["/etc/shadow", "/etc/gshadow"]
exclude_paths = ["/etc/gshadow"]
)");
  AuditRecord rec = event("openat", "file.read", "/var/tmp/x");
  EXPECT_EQ(decided(set, rec), "-");
  rec.watched_path = "/etc/shadow";
  EXPECT_EQ(decided(set, rec), "shadow");
  rec.path = "/etc/gshadow";  // excluded by name, but what it is stays selected
  EXPECT_EQ(decided(set, rec), "shadow");
  rec.watched_path = "/etc/gshadow";
  EXPECT_EQ(decided(set, rec), "-");
  rec.watched_path = "/etc/passwd";
  rec.path = "/var/tmp/x";
  EXPECT_EQ(decided(set, rec), "-");
}

TEST(ObjectiveMatch, UserRangesAndExclusions) {
  auto set = set_of(R"(
[[objective]]
name = "humans"
classes = ["process.exec"]
users = ["1000-59999"]
exclude_users = [1500]
)");
  for (uint32_t auid : {1000u, 1499u, 1501u, 59999u}) {
    AuditRecord rec = event("execve", "process.exec");
    rec.auid = auid;
    EXPECT_EQ(decided(set, rec), "humans") << auid;
  }
  for (uint32_t auid : {999u, 1500u, 60000u, kUnsetId - 1}) {
    AuditRecord rec = event("execve", "process.exec");
    rec.auid = auid;
    rec.uid = 0;
    EXPECT_EQ(decided(set, rec), "-") << auid;
  }
}

TEST(ObjectiveMatch, UnsetNamesProcessesWithoutALogin) {
  auto set = set_of(R"(
[[objective]]
name = "logged-in"
classes = ["process.exec"]
exclude_users = ["unset"]
)");
  AuditRecord daemon = event("execve", "process.exec");
  daemon.auid = kUnsetId;
  daemon.uid = 1000;
  EXPECT_EQ(decided(set, daemon), "-");
  AuditRecord person = daemon;
  person.auid = 1000;
  EXPECT_EQ(decided(set, person), "logged-in");
}

TEST(ObjectiveMatch, SelectedSyscallsFollowClassesEventsAndAction) {
  auto set = set_of(R"(
[[objective]]
name = "ignored-execs"
classes = ["process.exec"]
action = "ignore"
[[objective]]
name = "unlinks"
events = ["unlink"]
[[objective]]
name = "opens-for-write"
classes = ["file.write"]
events = ["openat", "rename"]
)");
  auto nrs = set.selected_syscalls();
  auto has = [&](std::string_view name) {
    return std::find(nrs.begin(), nrs.end(), find_syscall(name)->nr) != nrs.end();
  };
  EXPECT_TRUE(has("unlink"));
  EXPECT_TRUE(has("openat"));
  EXPECT_FALSE(has("rename"));  // its class is file.rename
  EXPECT_FALSE(has("execve"));  // only an ignore names it
  EXPECT_FALSE(has("open"));
}

}  // namespace
}  // namespace c2audit

namespace c2audit {
namespace {

class ObjectiveDir : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }

  testing_files::ScratchDir scratch_{"c2audit-obj"};
  std::filesystem::path dir_ = scratch_.path();
};

TEST_F(ObjectiveDir, FilesLoadInNameOrder) {
  write("20-b.toml", "[[objective]]\nname = \"b\"\nclasses = [\"file.read\"]\n");
  write("10-a.toml", "[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\n");
  write("notes.txt", "not an objective file");
  auto set = ObjectiveSet::load_dir(dir_, true);
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->objectives().size(), 2u);
  EXPECT_EQ(set->objectives()[0].name, "a");
  EXPECT_EQ(set->files().size(), 2u);
  EXPECT_EQ(set->description(), dir_.native() + " (2 files)");
}

TEST_F(ObjectiveDir, NamesAreUniqueAcrossFiles) {
  write("10-a.toml", "[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\n");
  write("20-b.toml", "\n[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\n");
  auto set = ObjectiveSet::load_dir(dir_, true);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().message, (dir_ / "20-b.toml").native() +
                                     ":2:1: objective 'a' is already defined at " +
                                     (dir_ / "10-a.toml").native() + ":1");
}

TEST_F(ObjectiveDir, EmptyDirectoryMeansDefaultsButEmptyFilesAreRefused) {
  auto set = ObjectiveSet::load_dir(dir_, true);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->description(), "default C2 baseline");
  write("10-a.toml", "# nothing yet\n");
  EXPECT_FALSE(ObjectiveSet::load_dir(dir_, true));
}

TEST_F(ObjectiveDir, APolicyWithNoObjectiveLeftIsRefused) {
  write("10-a.toml", "[[objective]]\nname = \"a\"\nclasses = [\"file.read\"]\n"
                     "users = [\"no-such-user-c2a\"]\n");
  auto set = ObjectiveSet::load_dir(dir_, true);
  ASSERT_FALSE(set);
  EXPECT_NE(set.error().message.find("every objective was skipped"), std::string::npos)
      << set.error().message;
  EXPECT_NE(set.error().message.find("no such user 'no-such-user-c2a'"), std::string::npos);
}

TEST_F(ObjectiveDir, MissingDirectory) {
  EXPECT_TRUE(ObjectiveSet::load_dir(dir_ / "none", false));  // the defaults
  auto set = ObjectiveSet::load_dir(dir_ / "none", true);
  ASSERT_FALSE(set);
  EXPECT_NE(set.error().message.find("not a directory of objective files"), std::string::npos);
}

}  // namespace
}  // namespace c2audit
