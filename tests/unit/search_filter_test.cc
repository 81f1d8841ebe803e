// SearchFilter: each filter alone, combined, and the rule for the daemon's own
// records. Glob semantics are tested in path_glob_test.cc.
#include "cli/search_filter.h"

#include <gtest/gtest.h>

namespace c2audit::cli {
namespace {

constexpr int64_t kSec = 1'000'000'000;

AuditRecord rec(std::string event, std::string cls, std::string path = "/etc/passwd") {
  AuditRecord r;
  r.time_ns = 100 * kSec;
  r.event = std::move(event);
  r.event_class = std::move(cls);
  r.pid = 123;
  r.uid = 0;
  r.auid = 1000;
  r.user = "alice";
  r.path = std::move(path);
  r.objective = "secrets";
  return r;
}

AuditRecord own(RecordKind kind) {
  AuditRecord r;
  r.kind = kind;
  r.time_ns = 100 * kSec;
  return r;
}

const AuditRecord kOpen = rec("openat", "file.read");

TEST(SearchFilter, EmptyFilterAcceptsEverything) {
  SearchFilter f;
  EXPECT_TRUE(matches(f, kOpen));
  EXPECT_TRUE(matches(f, own(RecordKind::lost)));
  EXPECT_TRUE(matches(f, own(RecordKind::daemon)));
}

TEST(SearchFilter, TimeWindowIsInclusive) {
  SearchFilter f;
  f.since_ns = 100 * kSec;
  f.until_ns = 100 * kSec;
  EXPECT_TRUE(matches(f, kOpen));
  f.since_ns = 100 * kSec + 1;
  EXPECT_FALSE(matches(f, kOpen));
  f.since_ns.reset();
  f.until_ns = 100 * kSec - 1;
  EXPECT_FALSE(matches(f, kOpen));
  EXPECT_FALSE(matches(f, own(RecordKind::lost)));  // time applies to every kind
}

TEST(SearchFilter, UserByNameOrAuidOrUidWhenAuidUnset) {
  SearchFilter f;
  f.users = {"alice"};
  EXPECT_TRUE(matches(f, kOpen));
  f.users = {"1000"};
  EXPECT_TRUE(matches(f, kOpen));
  f.users = {"0"};  // uid is 0, but auid is set: the login user counts
  EXPECT_FALSE(matches(f, kOpen));
  AuditRecord daemon_job = kOpen;
  daemon_job.auid = kUnsetId;
  daemon_job.user = "root";
  EXPECT_TRUE(matches(f, daemon_job));
  f.users = {"bob", "root"};  // OR within one filter
  EXPECT_TRUE(matches(f, daemon_job));
  EXPECT_FALSE(matches(f, kOpen));
  f.users = {"1000x"};
  EXPECT_FALSE(matches(f, kOpen));
}

TEST(SearchFilter, Pid) {
  SearchFilter f;
  f.pid = 123;
  EXPECT_TRUE(matches(f, kOpen));
  f.pid = 124;
  EXPECT_FALSE(matches(f, kOpen));
}

TEST(SearchFilter, Event) {
  SearchFilter f;
  f.events = {"unlink", "openat"};
  EXPECT_TRUE(matches(f, kOpen));
  f.events = {"unlink"};
  EXPECT_FALSE(matches(f, kOpen));
  EXPECT_FALSE(matches(f, own(RecordKind::lost)));
  f.events = {"lost"};
  EXPECT_TRUE(matches(f, own(RecordKind::lost)));
  EXPECT_FALSE(matches(f, own(RecordKind::daemon)));
}

TEST(SearchFilter, ClassExactPrefixAndWildcard) {
  SearchFilter f;
  for (const char* wanted : {"file.read", "file", "file.*", "*"}) {
    f.classes = {wanted};
    EXPECT_TRUE(matches(f, kOpen)) << wanted;
  }
  for (const char* wanted : {"file.write", "fil", "file.read.x", "net.*", "file.r*"}) {
    f.classes = {wanted};
    EXPECT_FALSE(matches(f, kOpen)) << wanted;
  }
  f.classes = {"audit"};
  EXPECT_TRUE(matches(f, own(RecordKind::lost)));
  EXPECT_FALSE(matches(f, kOpen));
}

TEST(SearchFilter, PathMatchesPathOrPath2) {
  SearchFilter f;
  f.path_globs = {"/tmp/*"};
  AuditRecord rename = rec("rename", "file.rename", "/etc/a");
  rename.path2 = "/tmp/b";
  EXPECT_TRUE(matches(f, rename));
  EXPECT_FALSE(matches(f, kOpen));
  f.path_globs = {"/tmp/*", "/etc/passwd"};
  EXPECT_TRUE(matches(f, kOpen));
  AuditRecord linked = rec("openat", "file.read", "/var/tmp/x");
  linked.watched_path = "/etc/passwd";  // a watched file, opened by another name
  EXPECT_TRUE(matches(f, linked));
  AuditRecord no_path = rec("setuid", "priv.change", "");
  f.path_globs = {"**"};
  EXPECT_FALSE(matches(f, no_path));
}

TEST(SearchFilter, Result) {
  SearchFilter f;
  f.success = true;
  EXPECT_TRUE(matches(f, kOpen));
  f.success = false;
  EXPECT_FALSE(matches(f, kOpen));
  AuditRecord failed = kOpen;
  failed.success = false;
  EXPECT_TRUE(matches(f, failed));
}

TEST(SearchFilter, Objective) {
  SearchFilter f;
  f.objectives = {"other", "secrets"};
  EXPECT_TRUE(matches(f, kOpen));
  f.objectives = {"other"};
  EXPECT_FALSE(matches(f, kOpen));
}

TEST(SearchFilter, DifferentFiltersAreAnded) {
  SearchFilter f;
  f.users = {"alice"};
  f.events = {"openat"};
  f.classes = {"file"};
  f.path_globs = {"/etc/**"};
  f.success = true;
  f.pid = 123;
  f.objectives = {"secrets"};
  f.since_ns = 0;
  EXPECT_TRUE(matches(f, kOpen));
  f.pid = 5;
  EXPECT_FALSE(matches(f, kOpen));
  f.pid.reset();
  f.path_globs = {"/var/**"};
  EXPECT_FALSE(matches(f, kOpen));
}

TEST(SearchFilter, SyscallFiltersHideOwnRecordsUnlessNamed) {
  for (auto kind : {RecordKind::lost, RecordKind::daemon, RecordKind::config}) {
    SearchFilter f;
    f.since_ns = 0;
    f.classes = {"audit"};
    EXPECT_TRUE(matches(f, own(kind)));  // time and class apply normally
    f.classes.clear();
    f.users = {"alice"};
    EXPECT_FALSE(matches(f, own(kind)));
    f.events = {"openat", "lost", "daemon", "config"};
    EXPECT_TRUE(matches(f, own(kind)));
    EXPECT_TRUE(matches(f, kOpen));
  }
  SearchFilter by_result;
  by_result.success = false;
  EXPECT_FALSE(matches(by_result, own(RecordKind::lost)));
}

}  // namespace
}  // namespace c2audit::cli
