// A fixture for root tests of what one objective records: c2auditd on a
// fresh trail with one objective file, stopped and searched by the test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"

namespace c2audit::test {

class ObjectiveDaemonTest : public ::testing::Test {
 protected:
  // Starts c2auditd with one objective file holding `objective` (TOML).
  void start(const std::string& objective) {
    std::filesystem::create_directories(objectives_);
    std::ofstream(objectives_ / "10-test.toml") << objective;
    daemon_ = std::make_unique<DaemonProcess>(
        trail_, dir_.path() / "control.sock",
        std::vector<std::string>{"--objectives", objectives_.native()});
    ASSERT_TRUE(daemon_->ready()) << "see " << daemon_->stderr_path();
  }

  std::vector<nlohmann::json> stop_and_search() {
    EXPECT_EQ(daemon_->stop(), 0);
    return search_json(trail_);
  }

  TempDir dir_;
  std::filesystem::path objectives_ = dir_.path() / "objectives";
  std::filesystem::path trail_ = dir_.path() / "trail";
  std::unique_ptr<DaemonProcess> daemon_;
};

}  // namespace c2audit::test
