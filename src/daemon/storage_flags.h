// c2auditd's flags for trail protection and storage (key, flush policy,
// rotation by age, compression, retention floor, space_left, disk_full),
// kept apart from main.cc so that each concern's flags live in one place.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "common/result.h"
#include "daemon/daemon.h"

namespace c2audit {

struct StorageFlags {
  std::string key_file;
  std::string seal_log;
  std::string flush = "batch";
  uint64_t flush_interval_ms = 1000;
  std::string max_segment_age;  // empty: size only
  bool no_compress = false;
  uint64_t retain_mib = 0;
  std::string retain_age;
  uint64_t space_left_mib = 0;
  std::string space_left_action = "syslog";
  std::string disk_full_action = "suspend";
  uint64_t disk_reserve_mib = 1;
};

// Registers the flags on `app`, defaults taken from `options`.
void add_storage_flags(CLI::App& app, StorageFlags& flags, const DaemonOptions& options);

// Validates the flag values and stores them in `options`; errors name the
// flag and the bad value.
Result<void> apply_storage_flags(const StorageFlags& flags, DaemonOptions& options);

}  // namespace c2audit
