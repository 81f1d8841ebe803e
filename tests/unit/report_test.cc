#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "report/key_tally.h"
#include "report/report_output.h"
#include "report/report_tally.h"
#include "report/time_series.h"

namespace c2audit {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kBase = 1'790'000'000 * kSecond;  // a multiple of every interval up to a day

AuditRecord call(int64_t at, const char* user, const char* event, const char* event_class,
                 bool success = true) {
  AuditRecord rec;
  rec.time_ns = at;
  rec.user = user;
  rec.event = event;
  rec.event_class = event_class;
  rec.success = success;
  if (!success) {
    rec.ret = -13;
    rec.errno_name = "EACCES";
  }
  rec.exe = "/usr/bin/cat";
  rec.path = "/etc/shadow";
  rec.objective = "credentials";
  rec.criticality = "high";
  return rec;
}

AuditRecord lost(int64_t at, uint64_t count) {
  AuditRecord rec;
  rec.kind = RecordKind::lost;
  rec.time_ns = at;
  rec.lost_count = count;
  return rec;
}

TEST(KeyTally, CountsFailuresAndTimesPerKeyMostFirst) {
  KeyTally tally;
  tally.add("bob", 30, false);
  tally.add("alice", 10, true);
  tally.add("alice", 20, false);
  tally.add("carol", 5, false);
  auto rows = tally.rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].key, "alice");
  EXPECT_EQ(rows[0].tally.records, 2u);
  EXPECT_EQ(rows[0].tally.failures, 1u);
  EXPECT_EQ(rows[0].tally.first_ns, 10);
  EXPECT_EQ(rows[0].tally.last_ns, 20);
  EXPECT_EQ(rows[1].key, "bob");  // ties by key
  EXPECT_EQ(rows[2].key, "carol");
  EXPECT_EQ(tally.rows(1).size(), 1u);
  EXPECT_EQ(tally.undercount(), 0u);
}

TEST(KeyTally, PastItsBoundKeepsTheFrequentKeysAndSaysHowFarCountsMayBeLow) {
  KeyTally tally(100);
  for (int round = 0; round < 50; ++round) tally.add("frequent", round, false);
  for (int i = 0; i < 1000; ++i) tally.add("rare-" + std::to_string(i), i, false);
  EXPECT_LE(tally.keys(), 100u);
  EXPECT_GE(tally.undercount(), 1u);
  auto top = tally.rows(1);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].key, "frequent");
  EXPECT_EQ(top[0].tally.records, 50u);
}

// The promise past the bound: a count shown is at most undercount() below
// the truth, and a key not shown has at most undercount() records, even for
// keys dropped more than once.
TEST(KeyTally, UndercountBoundsEveryCountAfterRepeatedPrunes) {
  KeyTally tally(8);
  std::map<std::string, uint64_t> truth;
  for (int i = 0; i < 5000; ++i) {
    // 40 keys, key k about (k + 1) times as frequent as key 0, interleaved.
    int key = (i * 7919) % 820;
    int k = 0;
    while ((k + 1) * (k + 2) / 2 <= key) ++k;
    std::string name = "key-" + std::to_string(k);
    tally.add(name, i, false);
    ++truth[name];
  }
  ASSERT_GT(tally.undercount(), 0u);
  std::map<std::string, uint64_t> shown;
  for (const auto& row : tally.rows()) shown[row.key] = row.tally.records;
  for (const auto& [name, count] : truth) {
    uint64_t seen = shown.count(name) ? shown[name] : 0;
    EXPECT_LE(seen, count) << name;
    EXPECT_LE(count, seen + tally.undercount()) << name;
  }
}

TEST(KeyTally, AVeryLongKeyIsCountedByItsFirstKilobyte) {
  KeyTally tally;
  std::string longest(5000, 'a'), long_too(4000, 'a');
  long_too.push_back('b');
  tally.add(longest, 1, false);
  tally.add(long_too, 2, false);
  auto rows = tally.rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tally.records, 2u);
  EXPECT_EQ(rows[0].key.size(), KeyTally::kMaxKeyBytes + KeyTally::kCutMark.size());
}

TEST(TimeSeries, WidensIntervalsWithoutLosingACount) {
  TimeSeries series;
  uint64_t records = 0, failures = 0, lost_events = 0;
  for (int64_t s = 0; s < 3 * 3600; s += 7) {  // three hours, one record every 7 s
    bool failed = s % 3 == 0;
    series.add(kBase + s * kSecond, s % 2 ? "file" : "process", failed, s % 5 == 0 ? 2 : 0);
    ++records;
    failures += failed;
    lost_events += s % 5 == 0 ? 2 : 0;
  }
  auto buckets = series.buckets();
  EXPECT_LE(buckets.size(), TimeSeries::kMaxBuckets);
  EXPECT_GT(buckets.size(), TimeSeries::kMaxBuckets / 4);
  uint64_t sum = 0, failed_sum = 0, lost_sum = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    EXPECT_EQ(buckets[i].start_ns % series.width_ns(), 0);
    if (i) {
      EXPECT_EQ(buckets[i].start_ns - buckets[i - 1].start_ns, series.width_ns());
    }
    sum += buckets[i].records();
    failed_sum += buckets[i].failures;
    lost_sum += buckets[i].lost;
  }
  EXPECT_EQ(sum, records);
  EXPECT_EQ(failed_sum, failures);
  EXPECT_EQ(lost_sum, lost_events);
  EXPECT_EQ(series.groups(), (std::vector<std::string>{"file", "process"}));
}

TEST(TimeSeries, AHostileTimestampStillGivesFewIntervals) {
  TimeSeries series;
  series.add(INT64_MIN, "file", false, 0);
  series.add(INT64_MAX, "file", false, 0);
  series.add(0, "file", false, 0);
  auto buckets = series.buckets();
  EXPECT_LE(buckets.size(), TimeSeries::kMaxBuckets);
  uint64_t sum = 0;
  for (const auto& bucket : buckets) sum += bucket.records();
  EXPECT_EQ(sum, 3u);
}

ReportTally sample_tally() {
  ReportTally tally;
  tally.add(call(kBase, "alice", "openat", "file.read"));
  tally.add(call(kBase + kSecond, "alice", "openat", "file.read", false));
  tally.add(call(kBase + 2 * kSecond, "bob", "execve", "process.exec"));
  tally.add(lost(kBase + 3 * kSecond, 42));
  AuditRecord login;
  login.kind = RecordKind::user;
  login.time_ns = kBase + 4 * kSecond;
  login.event = "LOGIN";
  login.event_class = "auth.session";
  login.user = "bob";
  login.ses = 7;
  tally.add(login);
  AuditRecord failed = login;
  failed.event = "USER_AUTH";
  failed.event_class = "auth.login";
  failed.success = false;
  failed.account = "root";
  failed.op = "PAM:authentication";
  tally.add(failed);
  AuditRecord policy;
  policy.kind = RecordKind::config;
  policy.time_ns = kBase + 5 * kSecond;
  policy.message = "objectives loaded";
  tally.add(policy);
  return tally;
}

TEST(ReportTally, CountsEveryKindAndListsEachGapAndPolicyChange) {
  ReportTally tally = sample_tally();
  EXPECT_EQ(tally.all.records, 7u);
  EXPECT_EQ(tally.syscall_records, 3u);
  EXPECT_EQ(tally.user_records, 2u);
  EXPECT_EQ(tally.daemon_records, 2u);
  EXPECT_EQ(tally.successes, 3u);
  EXPECT_EQ(tally.failures, 2u);
  EXPECT_EQ(tally.lost_events, 42u);
  EXPECT_EQ(tally.logins, 1u);
  EXPECT_EQ(tally.failed_authentications, 1u);
  ASSERT_EQ(tally.notices.size(), 2u);
  EXPECT_EQ(tally.notices[0].event, "lost");
  EXPECT_EQ(tally.notices[0].lost, 42u);
  EXPECT_EQ(tally.notices[1].event, "config");
  EXPECT_EQ(tally.notices[1].message, "objectives loaded");

  auto users = tally.users.rows();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].key, "bob");  // an exec, a login, a failed authentication
  EXPECT_EQ(users[0].tally.records, 3u);
  EXPECT_EQ(users[0].tally.failures, 1u);
  EXPECT_EQ(users[1].key, "alice");
  EXPECT_EQ(users[1].tally.records, 2u);
  EXPECT_EQ(users[1].tally.failures, 1u);
  EXPECT_EQ(users[1].tally.first_ns, kBase);
  EXPECT_EQ(users[1].tally.last_ns, kBase + kSecond);
  auto reasons = tally.failure_reasons.rows();
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].key, "USER_AUTH PAM:authentication");
  EXPECT_EQ(reasons[1].key, "openat EACCES");
  auto accounts = tally.accounts.rows();
  ASSERT_EQ(accounts.size(), 2u);
}

TEST(ReportTally, AGapTheFiltersLeaveOutIsStillListedButNotCounted) {
  ReportTally tally;
  tally.add(call(kBase, "alice", "openat", "file.read"));
  tally.add_notice(lost(kBase + kSecond, 9));
  EXPECT_EQ(tally.all.records, 1u);
  EXPECT_EQ(tally.daemon_records, 0u);
  EXPECT_EQ(tally.lost_events, 9u);
  ASSERT_EQ(tally.notices.size(), 1u);
  EXPECT_EQ(tally.notices[0].lost, 9u);
  uint64_t records = 0, lost_sum = 0;
  for (const auto& bucket : tally.series.buckets()) {
    records += bucket.records();
    lost_sum += bucket.lost;
  }
  EXPECT_EQ(records, 1u);
  EXPECT_EQ(lost_sum, 9u);
}

TEST(ReportJson, HoldsTheSameCountsAsTheTally) {
  ReportTally tally = sample_tally();
  ReportContext context;
  context.trail = "/var/log/c2audit";
  nlohmann::json json = report_json(tally, context);
  EXPECT_EQ(json["records"], 7);
  EXPECT_EQ(json["failure"], 2);
  EXPECT_EQ(json["lost_events"], 42);
  EXPECT_EQ(json["tables"]["classes"]["rows"][0]["key"], "file.read");
  EXPECT_EQ(json["tables"]["classes"]["rows"][0]["records"], 2);
  EXPECT_EQ(json["tables"]["events"]["rows"][0]["key"], "openat");
  EXPECT_EQ(json["tables"]["events"]["rows"][0]["records"], 2);
  EXPECT_EQ(json["tables"]["events"]["rows"][0]["failures"], 1);
  EXPECT_EQ(json["notices"].size(), 2u);
  uint64_t sum = 0;
  for (const auto& bucket : json["series"]["buckets"]) {
    for (const auto& [group, count] : bucket["records"].items()) sum += count.get<uint64_t>();
  }
  EXPECT_EQ(sum, 7u);
  EXPECT_EQ(json["series"]["interval_s"], 1);
}

TEST(ReportForms, AHostileKeyCannotSteerATerminalASpreadsheetOrAPage) {
  ReportTally tally;
  AuditRecord rec = call(kBase, "mallory", "openat", "file.read");
  rec.path = "=cmd|' /C calc'!A0\x1b[2J<script>x</script>,\"quoted\"";
  tally.add(rec);
  ReportContext context;
  context.by = ReportBy::path;
  context.top = 0;

  std::string text = report_text(tally, context);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("\\x1b[2J"), std::string::npos);

  std::string csv = report_csv(tally, context);
  EXPECT_NE(
      csv.find("objects,\"'=cmd|' /C calc'!A0\\x1b[2J<script>x</script>,\"\"quoted\"\"\",1,0,"),
      std::string::npos)
      << csv;

  std::string html = report_html(tally, context);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;x&lt;/script&gt;,&quot;quoted&quot;"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
}

TEST(ReportForms, CharactersThatDisguiseANameAreEscaped) {
  ReportTally tally;
  AuditRecord rec = call(kBase, "mallory", "openat", "file.read");
  rec.path = "/tmp/\u202Egnp.exe\u200B\uFEFF";  // right-to-left override, zero-width space, BOM
  tally.add(rec);
  ReportContext context;
  context.by = ReportBy::path;
  std::string text = report_text(tally, context);
  EXPECT_NE(text.find("/tmp/\\xe2\\x80\\xaegnp.exe\\xe2\\x80\\x8b\\xef\\xbb\\xbf"),
            std::string::npos)
      << text;
}

TEST(ReportForms, BytesThatAreNotUtf8StayValidJson) {
  ReportTally tally;
  AuditRecord rec = call(kBase, "mallory", "openat", "file.read");
  rec.path = std::string("/tmp/\xff\xfe");
  tally.add(rec);
  ReportContext context;
  context.by = ReportBy::path;
  std::string dumped = report_json(tally, context).dump();  // throws on invalid UTF-8
  EXPECT_NE(dumped.find("/tmp/\\\\xff\\\\xfe"), std::string::npos) << dumped;
}

}  // namespace
}  // namespace c2audit
