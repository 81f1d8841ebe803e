// What the daemon does about durability and disk space. Names follow auditd
// where the idea is the same (space_left, disk_full); the values are ours.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace c2audit {

// When written records reach stable storage.
enum class FlushPolicy {
  batch,     // write(2) after every batch: survives a daemon crash (kill -9), not power loss
  interval,  // as batch, plus fdatasync every flush_interval_ns
  sync,      // fdatasync after every batch: survives power loss, costs a disk flush per batch
};

enum class DiskFullAction {
  rotate_oldest,  // remove the oldest closed segments past the retention floor (recorded)
  suspend,        // stop recording, count what is not kept, resume when space returns
  halt,           // record, seal and stop the daemon
};

struct StoragePolicy {
  FlushPolicy flush = FlushPolicy::batch;
  int64_t flush_interval_ns = 1'000'000'000;
  uint64_t space_left_bytes = 0;   // warn below this much free space; 0: off
  std::string space_left_command;  // empty: syslog only; else run by /bin/sh -c
  DiskFullAction disk_full = DiskFullAction::suspend;
  // Free space the trail never eats into: room for the seal and the records
  // that describe a disk action. Below it, the disk counts as full.
  uint64_t disk_reserve_bytes = 1ull << 20;
  // The retention floor: rotate-oldest never removes a segment that is
  // younger than retain_age_ns, nor one whose removal would leave less than
  // retain_bytes of newer trail. 0: no floor of that kind.
  uint64_t retain_bytes = 0;
  int64_t retain_age_ns = 0;
};

Result<FlushPolicy> parse_flush_policy(const std::string& text);
Result<DiskFullAction> parse_disk_full_action(const std::string& text);
// "syslog" -> empty command; "exec:CMD" -> CMD (must not be empty).
Result<std::string> parse_space_left_action(const std::string& text);
// "90d", "12h", "30m", "45s", or plain seconds; > 0.
Result<int64_t> parse_duration_ns(const std::string& text);

const char* flush_policy_name(FlushPolicy policy);
const char* disk_full_action_name(DiskFullAction action);

}  // namespace c2audit
