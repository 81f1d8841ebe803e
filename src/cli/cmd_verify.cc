// c2audit verify: checks a trail directory's hash chain, seals and segment
// links with the host key, and says precisely what is wrong, if anything.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "trail/host_key.h"
#include "trail/seal_log.h"
#include "trail/trail_lock.h"
#include "trail/trail_verifier.h"

namespace c2audit::cli {
namespace {

// Exit codes: each outcome an operator or a script must tell apart.
constexpr int kExitClean = 0;
constexpr int kExitCannotVerify = 1;  // trail or key unreadable, unsupported version
constexpr int kExitTampered = 3;
constexpr int kExitCrashedTail = 4;
constexpr const char* kDefaultTrail = "/var/log/c2audit";

constexpr const char* kFooter =
    "Exit status: 0 clean (every segment sealed and linked; an open segment of a running\n"
    "daemon counts as clean); 1 the trail or key cannot be read; 2 bad usage; 3 tampered\n"
    "(modified, truncated, missing, reordered, forged or badly sealed); 4 crashed tail\n"
    "(intact up to the last durable record, last segment unsealed: restart the daemon).";

struct VerifyArgs {
  std::string trail = kDefaultTrail;
  std::string key_file = kDefaultKeyFile;
  std::string seal_log = kDefaultSealLog;
  bool quiet = false;
};

std::string describe(const VerifyFinding& f) {
  return fmt::format("{}: offset {}{}: {}", f.file, f.offset,
                     f.seq ? fmt::format(": seq {}", f.seq) : "", f.what);
}

int print_report(const VerifyArgs& args, const VerifyReport& r, double seconds) {
  if (!args.quiet) {
    for (const auto& note : r.notes) std::printf("note: %s\n", note.c_str());
  }
  std::string summary =
      fmt::format("{} segments ({} compressed), {} records, seq {}-{}, checked in {:.2f} s",
                  r.segments, r.compressed_segments, r.records, r.first_seq, r.last_seq, seconds);
  switch (r.status) {
    case VerifyStatus::clean:
      std::printf("clean: %s: %s\n", args.trail.c_str(), summary.c_str());
      return kExitClean;
    case VerifyStatus::crashed_tail:
      std::printf("crashed tail: %s\n", describe(*r.finding).c_str());
      if (!args.quiet) std::printf("  %s\n", summary.c_str());
      return kExitCrashedTail;
    case VerifyStatus::tampered:
      std::printf("TAMPERED: %s\n", describe(*r.finding).c_str());
      return kExitTampered;
  }
  return kExitCannotVerify;
}

int run_verify(const VerifyArgs& args) {
  auto key = load_host_key(args.key_file);
  if (!key) {
    std::fprintf(stderr, "c2audit verify: %s\n", key.error().message.c_str());
    return kExitCannotVerify;
  }
  auto start = std::chrono::steady_clock::now();
  auto report =
      verify_trail(args.trail, *key, VerifyOptions{TrailLock::held(args.trail), args.seal_log});
  if (!report) {
    std::fprintf(stderr, "c2audit verify: %s\n", report.error().message.c_str());
    return kExitCannotVerify;
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return print_report(args, *report, took.count());
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check the trail's hash chain, seals and segment links with the host key");
  cmd->footer(kFooter);
  cmd->add_option("--trail", args->trail, "Trail directory")->capture_default_str();
  cmd->add_option("--key-file", args->key_file, "Host key the daemon seals with")
      ->capture_default_str();
  cmd->add_option("--seal-log", args->seal_log,
                  "The daemon's seal log (c2auditd --seal-log): its last seals must be in the trail")
      ->capture_default_str();
  cmd->add_flag("--quiet", args->quiet, "Only the verdict line");
  cmd->callback([args, &exit_code] { exit_code = run_verify(*args); });
}

}  // namespace c2audit::cli
