#include "daemon/storage_flags.h"

#include <fmt/format.h>
#include "trail/seal_log.h"

namespace c2audit {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr int64_t kMsNs = 1'000'000;

Result<int64_t> duration_flag(const char* flag, const std::string& text) {
  if (text.empty()) return 0;
  auto ns = parse_duration_ns(text);
  if (!ns) return tl::unexpected(with_context(flag, ns.error()));
  return ns;
}

}  // namespace

void add_storage_flags(CLI::App& app, StorageFlags& flags, const DaemonOptions& options) {
  flags.key_file = options.trail.key_file.native();
  app.add_option("--key-file", flags.key_file,
                 "Host key that authenticates the trail (created 0400 at first start; must be "
                 "outside the trail directory)")
      ->capture_default_str();
  flags.seal_log = options.trail.seal_log.empty() ? std::string(kDefaultSealLog)
                                                  : options.trail.seal_log.native();
  app.add_option("--seal-log", flags.seal_log,
                 "File outside the trail where each seal is logged, so that a cut or removed "
                 "sealed segment shows as tampering (docs/trail.md)")
      ->capture_default_str();
  app.add_option("--flush", flags.flush,
                 "When records reach the disk: batch (write per batch), interval (plus "
                 "fdatasync every --flush-interval), sync (fdatasync per batch)")
      ->capture_default_str();
  app.add_option("--flush-interval", flags.flush_interval_ms,
                 "fdatasync period in ms for --flush interval")
      ->capture_default_str()
      ->check(CLI::Range(1, 3'600'000));
  app.add_option("--max-segment-age", flags.max_segment_age,
                 "Also seal and rotate segments older than this (e.g. 1h, 1d)");
  app.add_flag("--no-compress", flags.no_compress, "Keep closed segments uncompressed");
  app.add_option("--retain-size", flags.retain_mib,
                 "Retention floor: rotate-oldest always leaves at least this many MiB of trail")
      ->capture_default_str();
  app.add_option(
      "--retain-age", flags.retain_age,
      "Retention floor: rotate-oldest never removes segments younger than this (e.g. 90d)");
  app.add_option("--space-left", flags.space_left_mib,
                 "Warn (space_left action) when the trail file system has less than this many MiB "
                 "free; 0: off")
      ->capture_default_str();
  app.add_option("--space-left-action", flags.space_left_action,
                 "syslog, or exec:COMMAND (run by /bin/sh); always recorded in the trail")
      ->capture_default_str();
  app.add_option("--disk-full-action", flags.disk_full_action,
                 "When less than --disk-reserve is free: rotate-oldest, suspend or halt")
      ->capture_default_str();
  app.add_option("--disk-reserve", flags.disk_reserve_mib,
                 "MiB of free space the trail never uses (the disk counts as full below it)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 16));
}

Result<void> apply_storage_flags(const StorageFlags& flags, DaemonOptions& options) {
  StoragePolicy& policy = options.storage;
  auto flush = parse_flush_policy(flags.flush);
  if (!flush) return tl::unexpected(with_context("--flush", flush.error()));
  policy.flush = *flush;
  policy.flush_interval_ns = static_cast<int64_t>(flags.flush_interval_ms) * kMsNs;
  auto age = duration_flag("--max-segment-age", flags.max_segment_age);
  if (!age) return tl::unexpected(age.error());
  options.trail.max_segment_age_ns = *age;
  auto retain_age = duration_flag("--retain-age", flags.retain_age);
  if (!retain_age) return tl::unexpected(retain_age.error());
  policy.retain_age_ns = *retain_age;
  policy.retain_bytes = flags.retain_mib * kMiB;
  policy.space_left_bytes = flags.space_left_mib * kMiB;
  auto command = parse_space_left_action(flags.space_left_action);
  if (!command) return tl::unexpected(with_context("--space-left-action", command.error()));
  policy.space_left_command = *command;
  auto action = parse_disk_full_action(flags.disk_full_action);
  if (!action) return tl::unexpected(with_context("--disk-full-action", action.error()));
  policy.disk_full = *action;
  policy.disk_reserve_bytes = flags.disk_reserve_mib * kMiB;
  options.trail.key_file = flags.key_file;
  if (flags.seal_log.empty()) return fail("--seal-log: a file path is required");
  options.trail.seal_log = flags.seal_log;
  options.trail.compress_closed = !flags.no_compress;
  return {};
}

}  // namespace c2audit
