// The default objectives record privilege kept in a file, anywhere: a setuid
// or setgid bit set by chmod (the record's mode), and file capabilities set
// or removed by setcap (the record's xattr). A plain chmod is not recorded.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include "harness.h"

namespace c2audit::test {
namespace {

class PrivilegeBitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    root_ = std::filesystem::canonical(dir_.path());
    std::filesystem::create_directories(root_ / "objectives");  // empty: the defaults
    std::ofstream(file_) << "#!/bin/sh\n";
    daemon_.emplace(root_ / "trail", root_ / "control.sock",
                    std::vector<std::string>{"--objectives", (root_ / "objectives").native()});
    ASSERT_TRUE(daemon_->ready()) << "see " << daemon_->stderr_path();
  }

  static void run(const std::vector<std::string>& argv) {
    auto result = run_process(argv);
    EXPECT_EQ(result.exit_code, 0) << argv.front() << ": " << result.err;
  }

  // The records on the file, by event.
  std::vector<nlohmann::json> records_on_file() {
    std::vector<nlohmann::json> out;
    for (auto& rec : search_json(root_ / "trail", {"--path", file_.native()})) {
      out.push_back(std::move(rec));
    }
    return out;
  }

  TempDir dir_;
  std::filesystem::path root_;
  std::filesystem::path file_ = std::filesystem::canonical(dir_.path()) / "tool";
  std::optional<DaemonProcess> daemon_;
};

TEST_F(PrivilegeBitsTest, SetuidSetgidAndCapabilitiesAreRecordedByDefault) {
  run({"/usr/bin/chmod", "0755", file_.native()});
  run({"/usr/bin/chmod", "u+s", file_.native()});
  run({"/usr/bin/chmod", "g+s", file_.native()});
  run({"/usr/sbin/setcap", "cap_net_raw+ep", file_.native()});
  run({"/usr/sbin/setcap", "-r", file_.native()});
  ASSERT_EQ(daemon_->stop(), 0);

  auto records = records_on_file();
  std::vector<nlohmann::json> modes, capabilities;
  for (const auto& rec : records) {
    if (rec.value("objective", "") == "privilege-bits") modes.push_back(rec);
    if (rec.value("objective", "") == "file-capabilities") capabilities.push_back(rec);
  }
  ASSERT_EQ(modes.size(), 2u) << "u+s and g+s, not the plain chmod";
  EXPECT_EQ(modes[0]["mode"], 04755) << modes[0].dump();
  EXPECT_EQ(modes[1]["mode"], 06755) << modes[1].dump();
  EXPECT_EQ(modes[0]["criticality"], "critical");
  ASSERT_EQ(capabilities.size(), 2u) << "set, then removed";
  EXPECT_EQ(capabilities[0]["event"], "setxattr") << capabilities[0].dump();
  EXPECT_EQ(capabilities[0]["xattr"], "security.capability");
  EXPECT_EQ(capabilities[1]["event"], "removexattr") << capabilities[1].dump();
  EXPECT_EQ(capabilities[1]["xattr"], "security.capability");
  EXPECT_EQ(records.size(), 4u) << "nothing else of the file is selected by default";
}

}  // namespace
}  // namespace c2audit::test
