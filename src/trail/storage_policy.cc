#include "trail/storage_policy.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>

namespace c2audit {

namespace {
constexpr const char* kExecPrefix = "exec:";
constexpr int64_t kSecondNs = 1'000'000'000;

// Nanoseconds per unit of a duration suffix; 0 for an unknown suffix.
int64_t unit_ns(const std::string& suffix) {
  if (suffix.empty() || suffix == "s") return kSecondNs;
  if (suffix == "m") return 60 * kSecondNs;
  if (suffix == "h") return 3600 * kSecondNs;
  if (suffix == "d") return 86400 * kSecondNs;
  return 0;
}

}  // namespace

Result<FlushPolicy> parse_flush_policy(const std::string& text) {
  if (text == "batch") return FlushPolicy::batch;
  if (text == "interval") return FlushPolicy::interval;
  if (text == "sync") return FlushPolicy::sync;
  return fail(fmt::format("flush policy '{}': expected batch, interval or sync", text));
}

Result<DiskFullAction> parse_disk_full_action(const std::string& text) {
  if (text == "rotate-oldest") return DiskFullAction::rotate_oldest;
  if (text == "suspend") return DiskFullAction::suspend;
  if (text == "halt") return DiskFullAction::halt;
  return fail(fmt::format("disk_full action '{}': expected rotate-oldest, suspend or halt", text));
}

Result<std::string> parse_space_left_action(const std::string& text) {
  if (text == "syslog") return std::string();
  std::string prefix = kExecPrefix;
  if (text.starts_with(prefix) && text.size() > prefix.size()) return text.substr(prefix.size());
  return fail(fmt::format("space_left action '{}': expected syslog or exec:COMMAND", text));
}

Result<int64_t> parse_duration_ns(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  int64_t unit = unit_ns(end ? end : "");
  constexpr int64_t kMaxNs = 100LL * 365 * 86400 * kSecondNs;  // a century
  if (errno || end == text.c_str() || unit == 0 || value <= 0 || value > kMaxNs / unit) {
    return fail(fmt::format("duration '{}': expected a positive number with s, m, h or d", text));
  }
  return static_cast<int64_t>(value) * unit;
}

const char* flush_policy_name(FlushPolicy policy) {
  switch (policy) {
    case FlushPolicy::batch:
      return "batch";
    case FlushPolicy::interval:
      return "interval";
    case FlushPolicy::sync:
      return "sync";
  }
  return "?";
}

const char* disk_full_action_name(DiskFullAction action) {
  switch (action) {
    case DiskFullAction::rotate_oldest:
      return "rotate-oldest";
    case DiskFullAction::suspend:
      return "suspend";
    case DiskFullAction::halt:
      return "halt";
  }
  return "?";
}

}  // namespace c2audit
