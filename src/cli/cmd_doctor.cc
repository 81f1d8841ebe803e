// c2audit doctor: can this host run c2auditd, and does it — one line per
// check, ok / warn / fail, with what to do. Exits 1 when a check fails.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "cli/doctor_checks.h"
#include "cli/filter_options.h"
#include "control/control_protocol.h"
#include "trail/host_key.h"

namespace c2audit::cli {
namespace {

struct DoctorArgs {
  DoctorPaths paths{kDefaultTrail, kDefaultKeyFile, kDefaultControlSocket};
  bool json = false;
};

void print_human(const std::vector<Check>& checks) {
  size_t width = 0;
  for (const Check& check : checks) width = std::max(width, check.name.size());
  for (const Check& check : checks) {
    std::printf("%-5s %-*s  %s\n", verdict_name(check.verdict), static_cast<int>(width),
                check.name.c_str(), check.found.c_str());
    if (!check.advice.empty()) {
      std::printf("      %-*s  -> %s\n", static_cast<int>(width), "", check.advice.c_str());
    }
  }
}

void print_json(const std::vector<Check>& checks) {
  nlohmann::json out = nlohmann::json::array();
  for (const Check& check : checks) {
    out.push_back({{"check", check.name},
                   {"verdict", verdict_name(check.verdict)},
                   {"found", check.found},
                   {"advice", check.advice}});
  }
  std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

int run_doctor(const DoctorArgs& args) {
  std::vector<Check> checks = check_kernel();
  for (Check& check : check_storage(args.paths)) checks.push_back(std::move(check));
  checks.push_back(check_daemon(args.paths));
  args.json ? print_json(checks) : print_human(checks);
  for (const Check& check : checks) {
    if (check.verdict == Verdict::fail) return 1;
  }
  return 0;
}

}  // namespace

void add_doctor_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DoctorArgs>();
  auto* cmd = app.add_subcommand(
      "doctor", "Check that this host can run c2auditd and that it does: kernel, trail, daemon");
  cmd->footer("Exit status: 0 when no check fails (warnings allowed), 1 when one does.");
  cmd->add_option("--trail", args->paths.trail, "Trail directory")->capture_default_str();
  cmd->add_option("--key-file", args->paths.key_file, "Host key")->capture_default_str();
  cmd->add_option("--control-socket", args->paths.control_socket, "The daemon's control socket")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print the checks as a JSON array");
  cmd->callback([args, &exit_code] { exit_code = run_doctor(*args); });
}

}  // namespace c2audit::cli
