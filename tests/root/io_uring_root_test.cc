// io_uring opens make no open system call: they are recorded from their
// completion as the openat they do the same as, with io_uring true, judged
// by the same objectives: by the file opened, or by the name given when the
// open failed or went into a fixed-file slot (no fd to name the file by).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "harness.h"

namespace c2audit::test {
namespace {

class IoUringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    root_ = std::filesystem::canonical(dir_.path());
    secret_ = root_ / "secret";
    std::ofstream(secret_) << "s\n";
    std::ofstream(root_ / "other") << "o\n";
    std::filesystem::create_directories(root_ / "objectives");
    std::ofstream(root_ / "objectives" / "10.toml")
        << "[[objective]]\nname = \"secret\"\nevents = [\"openat\"]\n"
        << "paths = [\"" << secret_.native() << "\", \"" << (root_ / "missing").native() << "\"]\n";
    daemon_.emplace(root_ / "trail", root_ / "control.sock",
                    std::vector<std::string>{"--objectives", (root_ / "objectives").native()});
    ASSERT_TRUE(daemon_->ready()) << "see " << daemon_->stderr_path();
  }

  // Runs c2audit-uring-open; returns its pid and the open's result.
  std::pair<int, int> uring_open(const std::string& path, const std::string& mode = "") {
    std::vector<std::string> argv = {uring_open_path(), path};
    if (!mode.empty()) argv.push_back(mode);
    auto run = run_process(argv);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    auto lines = parse_json_lines(run.out);
    if (lines.empty()) return {0, 0};
    return {lines.front()["pid"].get<int>(), lines.front()["res"].get<int>()};
  }

  std::vector<nlohmann::json> opens_of(int pid) {
    std::vector<nlohmann::json> out;
    for (auto& rec : search_json(root_ / "trail", {"--pid", std::to_string(pid)})) {
      if (rec.value("event", "") == "openat") out.push_back(std::move(rec));
    }
    return out;
  }

  TempDir dir_;
  std::filesystem::path root_, secret_;
  std::optional<DaemonProcess> daemon_;
};

TEST_F(IoUringTest, OpensOfASelectedFileAreRecordedAsOpenat) {
  auto [reader, fd] = uring_open(secret_.native());
  auto [writer, wfd] = uring_open(secret_.native(), "write");  // run by an io_uring worker
  auto [other, ofd] = uring_open((root_ / "other").native());
  ASSERT_GE(fd, 0);
  ASSERT_GE(wfd, 0);
  ASSERT_GE(ofd, 0);
  ASSERT_EQ(daemon_->stop(), 0);

  auto reads = opens_of(reader);
  ASSERT_EQ(reads.size(), 1u) << "the io_uring open left no record";
  EXPECT_EQ(reads[0].value("path", ""), secret_.native());
  EXPECT_EQ(reads[0].value("io_uring", false), true);
  EXPECT_EQ(reads[0].value("class", ""), "file.read");
  EXPECT_EQ(reads[0].value("ret", -1), fd);
  EXPECT_EQ(reads[0].value("objective", ""), "secret");
  auto writes = opens_of(writer);
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].value("class", ""), "file.write");
  EXPECT_EQ(writes[0].value("pid", 0), writer);
  EXPECT_TRUE(opens_of(other).empty()) << "a file the objective does not name";
}

TEST_F(IoUringTest, FailedAndFixedSlotOpensAreNamedByTheNameGiven) {
  ::chdir(root_.c_str());  // the names are relative: resolved against the cwd
  auto [failed, err] = uring_open("missing");
  auto [fixed, slot] = uring_open("secret", "fixed");
  ::chdir("/");
  EXPECT_EQ(err, -ENOENT);
  EXPECT_EQ(slot, 0);
  ASSERT_EQ(daemon_->stop(), 0);

  auto failures = opens_of(failed);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].value("path", ""), (root_ / "missing").native());
  EXPECT_EQ(failures[0].value("errno", ""), "ENOENT");
  EXPECT_EQ(failures[0].value("io_uring", false), true);
  auto slots = opens_of(fixed);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].value("path", ""), secret_.native());
  EXPECT_EQ(slots[0].value("result", ""), "success");
}

}  // namespace
}  // namespace c2audit::test
