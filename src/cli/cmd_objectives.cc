// c2audit objectives: show, check and test objective files offline; list and
// reload the policy of the running daemon; import Linux Audit rules.
#include <fcntl.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/daemon_request.h"
#include "control/control_protocol.h"
#include "syscalls/ia32_syscall_table.h"
#include "syscalls/syscall_table.h"
#include "policy/auditd_import.h"
#include "policy/default_objectives.h"
#include "policy/kernel_filter.h"
#include "policy/objective_file.h"
#include "policy/objective_set.h"

namespace c2audit::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;

void report(const std::string& message) {
  std::fprintf(stderr, "c2audit objectives: %s\n", message.c_str());
}

// The policy a directory (or one file) gives, as the daemon would load it.
Result<ObjectiveSet> load_policy(const std::string& dir, const std::string& file) {
  if (file.empty()) return ObjectiveSet::load_dir(dir, false);
  auto objectives = read_objective_file(file);
  if (!objectives) return tl::unexpected(objectives.error());
  return ObjectiveSet(file, std::move(*objectives), {file});
}

// ---- show

int run_show(bool defaults, const std::string& dir) {
  if (defaults) {
    std::fputs(std::string(default_objectives_toml()).c_str(), stdout);
    return kExitOk;
  }
  auto set = ObjectiveSet::load_dir(dir, false);
  if (!set) return report(set.error().message), kExitFailed;
  if (set->files().empty()) {
    std::printf("# %s holds no objective files: the defaults are in force\n", dir.c_str());
    std::fputs(std::string(default_objectives_toml()).c_str(), stdout);
    return kExitOk;
  }
  for (const auto& file : set->files()) {
    std::ifstream in(file);
    std::printf("# ---- %s\n%s\n", file.c_str(),
                (std::ostringstream() << in.rdbuf()).str().c_str());
  }
  return kExitOk;
}

// ---- check

int run_check(const std::vector<std::string>& paths) {
  int status = kExitOk;
  for (const auto& path : paths) {
    std::error_code ec;
    auto set = std::filesystem::is_directory(path, ec)
                   ? ObjectiveSet::load_dir(path, true)
                   : load_policy("", path);
    if (!set) {
      std::fprintf(stderr, "%s\n", set.error().message.c_str());
      status = kExitFailed;
      continue;
    }
    for (const auto& warning : set->warnings()) {
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
    }
    std::printf("%s: %zu objectives, valid%s\n", path.c_str(), set->objectives().size(),
                set->warnings().empty() ? "" : " (with warnings)");
  }
  return status;
}

// ---- test

struct TestArgs {
  std::string dir = kDefaultObjectivesDir, file;
  std::string event, event_class, path, path2, user, result = "success", error, program;
};

Result<AuditRecord> hypothetical_event(const TestArgs& a) {
  const SyscallInfo* info = find_syscall(a.event);
  if (!info) return fail(fmt::format("--event {}: not a syscall c2audit covers", a.event));
  AuditRecord rec;
  rec.event = a.event;
  rec.syscall_nr = info->nr;
  rec.event_class = a.event_class.empty() ? std::string(event_class_of(*info, O_RDONLY)) : a.event_class;
  rec.path = a.path;
  rec.path2 = a.path2;
  rec.exe = a.program;
  rec.success = a.result == "success";
  rec.errno_name = rec.success ? "" : (a.error.empty() ? "EACCES" : a.error);
  if (!a.user.empty()) {
    auto id = system_user_id(a.user);
    if (!id && a.user.find_first_not_of("0123456789") == std::string::npos) id = std::stoul(a.user);
    if (!id) return fail(fmt::format("--user {}: no such user", a.user));
    rec.auid = rec.uid = *id;
  }
  return rec;
}

uint64_t open_flags_for(std::string_view cls) {
  if (cls == "file.create") return O_CREAT | O_WRONLY;
  if (cls == "file.write") return O_WRONLY;
  return O_RDONLY;
}

// Whether the kernel pre-filter lets this event through to user space.
bool kernel_lets_through(const ObjectiveSet& set, const AuditRecord& rec) {
  const SyscallInfo* info =
      rec.ia32 ? find_ia32_syscall(rec.syscall_nr) : find_syscall(rec.syscall_nr);
  KernelEvent e;
  e.nr = rec.syscall_nr;
  e.abi = rec.ia32 ? C2A_ABI_IA32 : C2A_ABI_X86_64;
  e.success = rec.success;
  e.error = static_cast<int>(errno_number(rec.errno_name).value_or(0));
  e.open_flags = open_flags_for(rec.event_class);
  e.subject_id = subject_id(rec);
  e.no_login = rec.auid == kUnsetId;
  bool kernel_resolved = (info->spec.flags & C2A_SPEC_RET_FD) ? rec.success
                                                              : info->spec.fd_arg != C2A_ARG_NONE;
  if (kernel_resolved && !rec.path.empty()) e.path = rec.path;
  return kernel_passes(compile_kernel_filter(set), e);
}

int run_test(const TestArgs& args) {
  auto set = load_policy(args.dir, args.file);
  if (!set) return report(set.error().message), kExitFailed;
  auto rec = hypothetical_event(args);
  if (!rec) return report(rec.error().message), kExitFailed;
  std::printf("policy: %s\n", set->description().c_str());
  for (const auto& o : set->objectives()) {
    std::string why = first_mismatch(o, *rec);
    std::string where = fmt::format("{}:{}", o.where.file, o.where.line);
    if (why.empty()) {
      bool records = o.action == ObjectiveAction::record;
      std::printf("  %-28s matches (%s) -> %s\n", o.name.c_str(), where.c_str(),
                  records ? fmt::format("RECORDED, criticality {}", o.criticality).c_str()
                          : "IGNORED");
      std::printf("kernel pre-filter: %s\n",
                  kernel_lets_through(*set, *rec) ? "passes" : "drops (a bug: please report)");
      return kExitOk;
    }
    std::printf("  %-28s no: %s\n", o.name.c_str(), why.c_str());
  }
  std::printf("not recorded: no objective selects it\nkernel pre-filter: %s\n",
              kernel_lets_through(*set, *rec) ? "passes (user space decides)" : "drops it");
  return kExitOk;
}

// ---- list and reload (the running daemon)

int run_list(const std::string& socket, bool json) {
  auto reply = ask_daemon(socket, ControlRequest::objectives);
  if (!reply) return report(reply.error().message), kExitFailed;
  if (json) {
    std::printf("%s\n", reply->dump().c_str());
    return kExitOk;
  }
  auto policy = read_reply<ObjectivesReply>(*reply, socket);
  if (!policy) return report(policy.error().message), kExitFailed;
  std::printf("policy %s (generation %u)\n", policy->policy.c_str(), policy->generation);
  std::printf("%-28s %-9s %-7s %10s  %s\n", "OBJECTIVE", "CRITICAL", "ACTION", "HITS", "WHERE");
  for (const auto& o : policy->objectives) {
    std::printf("%-28s %-9s %-7s %10lu  %s:%d\n", o.name.c_str(), o.criticality.c_str(), o.action.c_str(),
                o.hits, o.file.c_str(), o.line);
  }
  return kExitOk;
}

int run_reload(const std::string& socket) {
  auto reply = ask_daemon_for<ReloadReply>(socket, ControlRequest::reload);
  if (!reply) return report(reply.error().message), kExitFailed;
  std::fprintf(reply->accepted ? stdout : stderr, "%s\n", reply->message.c_str());
  return reply->accepted ? kExitOk : kExitFailed;
}

// ---- import-auditd

int run_import(const std::string& rules_file, const std::string& output) {
  std::ifstream in(rules_file);
  if (!in) return report(fmt::format("{}: cannot read: {}", rules_file, std::strerror(errno))), kExitFailed;
  std::string text = (std::ostringstream() << in.rdbuf()).str();
  AuditdImport imported = import_auditd_rules(text, rules_file);
  if (output.empty()) {
    std::fputs(imported.toml.c_str(), stdout);
  } else if (std::ofstream out(output); !(out << imported.toml)) {
    return report(fmt::format("{}: cannot write", output)), kExitFailed;
  }
  for (const auto& note : imported.approximations) {
    std::fprintf(stderr, "%s:%d: approximated: %s (%s)\n", rules_file.c_str(), note.line,
                 note.text.c_str(), note.why.c_str());
  }
  for (const auto& note : imported.skipped) {
    std::fprintf(stderr, "%s:%d: not converted: %s (%s)\n", rules_file.c_str(), note.line,
                 note.text.c_str(), note.why.c_str());
  }
  std::fprintf(stderr, "%d rules converted, %zu approximated, %zu not converted\n",
               imported.converted, imported.approximations.size(), imported.skipped.size());
  return imported.skipped.empty() ? kExitOk : kExitFailed;
}

void add_socket_option(CLI::App* cmd, std::string& socket) {
  cmd->add_option("--control-socket,--socket", socket,
                  "Control socket of the daemon (c2auditd --control-socket)")->capture_default_str();
}

void add_test_command(CLI::App* parent, int& exit_code) {
  auto a = std::make_shared<TestArgs>();
  auto* cmd = parent->add_subcommand(
      "test", "Which objective would record an event, and why the others would not");
  cmd->add_option("--event", a->event, "Syscall name, e.g. openat")->required();
  cmd->add_option("--class", a->event_class, "Event class (for opens: file.read/write/create)");
  cmd->add_option("--path", a->path, "Absolute path of the object");
  cmd->add_option("--path2", a->path2, "Second path (rename/link target)");
  cmd->add_option("--user", a->user, "User name or id (as auid)");
  cmd->add_option("--result", a->result, "success or failure")
      ->check(CLI::IsMember({"success", "failure"}))
      ->capture_default_str();
  cmd->add_option("--errno", a->error, "Error name of a failure (default EACCES)");
  cmd->add_option("--program", a->program, "Executable path of the caller");
  cmd->add_option("--objectives", a->dir, "Directory of objective files")->capture_default_str();
  cmd->add_option("--file", a->file, "One objective file instead of the directory");
  cmd->callback([a, &exit_code] { exit_code = run_test(*a); });
}

}  // namespace

void add_objectives_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("objectives", "Show, check, test, list and reload objectives");
  cmd->require_subcommand(1);

  auto show_default = std::make_shared<bool>(false);
  auto show_dir = std::make_shared<std::string>(kDefaultObjectivesDir);
  auto* show = cmd->add_subcommand("show", "Print the objective files in force (or the defaults)");
  show->add_flag("--default", *show_default, "Print the embedded default objectives as a file");
  show->add_option("--objectives", *show_dir, "Directory of objective files")->capture_default_str();
  show->callback([=, &exit_code] { exit_code = run_show(*show_default, *show_dir); });

  auto check_paths = std::make_shared<std::vector<std::string>>();
  auto* check = cmd->add_subcommand("check", "Validate objective files without loading them");
  check->add_option("FILE", *check_paths, "Objective files or directories")->required();
  check->callback([=, &exit_code] { exit_code = run_check(*check_paths); });

  add_test_command(cmd, exit_code);

  auto socket = std::make_shared<std::string>(kDefaultControlSocket);
  auto list_json = std::make_shared<bool>(false);
  auto* list = cmd->add_subcommand("list", "The running daemon's objectives and their hit counts");
  add_socket_option(list, *socket);
  list->add_flag("--json", *list_json, "Print one JSON object");
  list->callback([=, &exit_code] { exit_code = run_list(*socket, *list_json); });

  auto* reload = cmd->add_subcommand("reload", "Make the running daemon reload its objectives");
  add_socket_option(reload, *socket);
  reload->callback([=, &exit_code] { exit_code = run_reload(*socket); });

  auto rules = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto* import = cmd->add_subcommand("import-auditd",
                                     "Convert Linux Audit rules (audit.rules) into objectives");
  import->add_option("FILE", *rules, "audit.rules file")->required();
  import->add_option("-o,--output", *output, "Write the objective file here (default: stdout)");
  import->callback([=, &exit_code] { exit_code = run_import(*rules, *output); });
}

}  // namespace c2audit::cli
