#include "trail/storage_policy.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "trail/retention.h"
#include "trail/trail_keeper.h"

namespace c2audit {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kDayNs = 86'400'000'000'000;

TEST(StoragePolicyTest, ParsesTheIssueNamesAndRejectsOthers) {
  EXPECT_EQ(parse_flush_policy("batch"), FlushPolicy::batch);
  EXPECT_EQ(parse_flush_policy("interval"), FlushPolicy::interval);
  EXPECT_EQ(parse_flush_policy("sync"), FlushPolicy::sync);
  EXPECT_FALSE(parse_flush_policy("always"));
  EXPECT_EQ(parse_disk_full_action("rotate-oldest"), DiskFullAction::rotate_oldest);
  EXPECT_EQ(parse_disk_full_action("suspend"), DiskFullAction::suspend);
  EXPECT_EQ(parse_disk_full_action("halt"), DiskFullAction::halt);
  auto bad = parse_disk_full_action("rotate_oldest");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'rotate_oldest'"), std::string::npos);
  EXPECT_EQ(parse_space_left_action("syslog"), std::string());
  EXPECT_EQ(parse_space_left_action("exec:/usr/local/bin/page-admin --disk"),
            std::string("/usr/local/bin/page-admin --disk"));
  EXPECT_FALSE(parse_space_left_action("exec:"));
  EXPECT_FALSE(parse_space_left_action("mail"));
}

TEST(StoragePolicyTest, Durations) {
  EXPECT_EQ(parse_duration_ns("90d"), 90 * kDayNs);
  EXPECT_EQ(parse_duration_ns("2h"), 2 * 3'600'000'000'000);
  EXPECT_EQ(parse_duration_ns("30m"), 30 * 60'000'000'000);
  EXPECT_EQ(parse_duration_ns("45"), 45'000'000'000);
  EXPECT_EQ(parse_duration_ns("45s"), 45'000'000'000);
  for (const char* bad : {"", "0", "-1d", "1w", "d", "99999999999d"}) {
    EXPECT_FALSE(parse_duration_ns(bad)) << bad;
  }
}

TEST(StoragePolicyTest, RestartGapSaysWhatWasLost) {
  TrailResume clean;
  clean.last_seq = 10;
  EXPECT_EQ(describe_restart_gap(clean, 0), "");
  TrailResume crash;
  crash.last_seq = 41;
  crash.last_time_ns = 1'700'000'000'000'000'000;
  crash.crashed = true;
  crash.crashed_segment = "segment-00000000000000000001.c2a";
  crash.torn_tail = true;
  crash.torn_offset = 4000;
  crash.torn_bytes = 17;
  std::string gap = describe_restart_gap(crash, 1'700'000'100'000'000'000);
  EXPECT_NE(gap.find("without a clean stop"), std::string::npos) << gap;
  EXPECT_NE(gap.find("seq 41 at 2023-11-14T22:13:20"), std::string::npos) << gap;
  EXPECT_NE(gap.find("17 bytes of a torn write at offset 4000"), std::string::npos) << gap;
  EXPECT_NE(gap.find("until this restart at 2023-11-14T22:15:00"), std::string::npos) << gap;
}

class RetentionTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(testing::TempDir()) / "c2audit-retain-XXXXXX").native();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // Four segments of 100 bytes, ages 4, 3, 2 and 1 days; the last is active.
    for (int i = 0; i < 4; ++i) {
      fs::path file = dir_ / segment_file_name(1 + 100 * static_cast<uint64_t>(i));
      std::ofstream(file) << std::string(100, 's');
      timespec times[2] = {{now_s_ - (4 - i) * 86400, 0}, {now_s_ - (4 - i) * 86400, 0}};
      ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), times, 0), 0);
      files_.push_back(file);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<fs::path> removable(const StoragePolicy& policy) {
    auto r = removable_segments(dir_, files_.back(), policy, now_s_ * 1'000'000'000);
    EXPECT_TRUE(r) << r.error().message;
    std::vector<fs::path> out;
    for (const auto& c : *r) out.push_back(c.segment.path);
    return out;
  }

  fs::path dir_;
  std::vector<fs::path> files_;
  int64_t now_s_ = 1'700'000'000;
};

TEST_F(RetentionTest, WithoutAFloorEveryClosedSegmentOldestFirst) {
  EXPECT_EQ(removable({}), (std::vector<fs::path>{files_[0], files_[1], files_[2]}));
}

TEST_F(RetentionTest, AgeFloorProtectsYoungSegments) {
  StoragePolicy policy;
  policy.retain_age_ns = 2 * kDayNs + 1;  // keep the last two days and a bit
  EXPECT_EQ(removable(policy), (std::vector<fs::path>{files_[0], files_[1]}));
}

TEST_F(RetentionTest, SizeFloorKeepsEnoughNewerTrail) {
  StoragePolicy policy;
  policy.retain_bytes = 250;  // removing files_[1] would leave only 200 bytes
  EXPECT_EQ(removable(policy), (std::vector<fs::path>{files_[0]}));
  policy.retain_bytes = 1000;
  EXPECT_TRUE(removable(policy).empty());
}

}  // namespace
}  // namespace c2audit
