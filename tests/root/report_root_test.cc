// c2audit report over a trail the real daemon wrote: its counts must be
// exactly what `c2audit search` finds in the same trail, and its errors
// must be clear.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "harness.h"

namespace c2audit::test {
namespace {

namespace fs = std::filesystem;

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    dir_ = new TempDir();
    // Successes and failures (a missing file, a file made unreadable to nobody).
    sealed_run(trail(), dir_->path() / "control.sock",
               {{"/usr/bin/cat", "/etc/hostname"},
                {"/usr/bin/ls", "/nonexistent-report-test"},
                {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                 "/usr/bin/cat", "/etc/shadow"}});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { C2AUDIT_REQUIRE_ROOT(); }

  static fs::path trail() { return dir_->path() / "trail"; }

  static nlohmann::json report(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {c2audit_path(), "report", "--trail", trail().native(),
                                     "--json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ProcessResult result = run_process(argv);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out);
  }

  static TempDir* dir_;
};
TempDir* ReportTest::dir_ = nullptr;

TEST_F(ReportTest, CountsExactlyWhatSearchFinds) {
  std::vector<nlohmann::json> records = search_json(trail());
  ASSERT_GT(records.size(), 10u);
  std::map<std::string, uint64_t> by_class;
  uint64_t failures = 0;
  for (const auto& rec : records) {
    ++by_class[rec["class"].get<std::string>()];
    if (rec.value("result", "") == "failure") ++failures;
  }
  ASSERT_GT(failures, 0u) << "the workload's failed calls are missing";

  nlohmann::json summary = report({});
  EXPECT_EQ(summary["records"].get<uint64_t>(), records.size());
  EXPECT_EQ(summary["failure"].get<uint64_t>(), failures);
  std::map<std::string, uint64_t> reported;
  for (const auto& row : summary["tables"]["classes"]["rows"]) {
    reported[row["key"].get<std::string>()] = row["records"].get<uint64_t>();
  }
  EXPECT_EQ(reported, by_class);
  // The daemon's start and stop are listed as notices.
  EXPECT_GE(summary["notices"].size(), 2u);
}

TEST_F(ReportTest, OneUsersFailuresAreTheSameAsSearchFindsForThem) {
  std::vector<nlohmann::json> theirs =
      search_json(trail(), {"--user", "root", "--result", "failure"});
  ASSERT_FALSE(theirs.empty());
  nlohmann::json by_user = report({"--by", "user", "--user", "root", "--result", "failure"});
  EXPECT_EQ(by_user["records"].get<uint64_t>(), theirs.size());
  EXPECT_EQ(by_user["filters"], "--user root --result failure");
  // The daemon's start and stop are facts of the period, whoever it is about.
  EXPECT_GE(report({"--user", "root"})["notices"].size(), 2u);
  ASSERT_EQ(by_user["tables"]["users"]["rows"].size(), 1u);
  EXPECT_EQ(by_user["tables"]["users"]["rows"][0]["failures"].get<uint64_t>(), theirs.size());
}

TEST_F(ReportTest, TheShadowReadDeniedToNobodyIsAmongTheObjectsFailures) {
  nlohmann::json by_path = report({"--by", "path", "--path", "/etc/shadow", "--result", "failure"});
  ASSERT_EQ(by_path["tables"]["objects"]["rows"].size(), 1u) << by_path.dump(2);
  EXPECT_EQ(by_path["tables"]["objects"]["rows"][0]["key"], "/etc/shadow");
  EXPECT_GE(by_path["tables"]["objects"]["rows"][0]["failures"].get<uint64_t>(), 1u);
}

TEST_F(ReportTest, BadUsageAndAMissingTrailAreClearErrors) {
  ProcessResult bad_by =
      run_process({c2audit_path(), "report", "--trail", trail().native(), "--by", "colour"});
  EXPECT_EQ(bad_by.exit_code, 2);
  EXPECT_NE(bad_by.err.find("--by"), std::string::npos) << bad_by.err;

  ProcessResult both =
      run_process({c2audit_path(), "report", "--trail", trail().native(), "--json", "--html"});
  EXPECT_EQ(both.exit_code, 2);

  ProcessResult bad_time =
      run_process({c2audit_path(), "report", "--trail", trail().native(), "--since", "soon"});
  EXPECT_EQ(bad_time.exit_code, 2);
  EXPECT_NE(bad_time.err.find("--since"), std::string::npos) << bad_time.err;

  fs::path missing = dir_->path() / "no-such-trail";
  ProcessResult no_trail = run_process({c2audit_path(), "report", "--trail", missing.native()});
  EXPECT_EQ(no_trail.exit_code, 1);
  EXPECT_NE(no_trail.err.find(missing.native()), std::string::npos) << no_trail.err;
}

TEST_F(ReportTest, OutputIsNeverWrittenThroughASymlink) {
  TempDir out;
  fs::path target = out.path() / "precious";
  std::ofstream(target) << "keep me";
  fs::path link = out.path() / "report.html";
  fs::create_symlink(target, link);
  ProcessResult result = run_process(
      {c2audit_path(), "report", "--trail", trail().native(), "--html", "--output", link.native()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(link.native()), std::string::npos) << result.err;
  std::ifstream in(target);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "keep me");

  fs::path file = out.path() / "report.csv";
  ProcessResult written = run_process(
      {c2audit_path(), "report", "--trail", trail().native(), "--csv", "--output", file.native()});
  EXPECT_EQ(written.exit_code, 0) << written.err;
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

}  // namespace
}  // namespace c2audit::test
