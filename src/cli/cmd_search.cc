// c2audit search: reads the trail in sequence order and prints the records
// that pass the filters, one line each (text, or JSON with --json).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/login_list.h"
#include "cli/search_filter.h"
#include "record/record_json.h"
#include "record/record_text.h"
#include "record/time_format.h"
#include "trail/trail_reader.h"

namespace c2audit::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitTrailError = 1;
constexpr int kExitUsage = 2;
constexpr const char* kDefaultTrail = "/var/log/c2audit";

constexpr const char* kTimeHelp =
    "RFC 3339 (2026-11-24T18:32:04Z), a date (2026-11-24, midnight UTC), relative "
    "(-10m, -2h, -1d), now, today or yesterday";

constexpr const char* kFooter =
    "Filters: values of one option are OR-ed, different options AND-ed. lost/config/daemon\n"
    "records are shown unless --user/--pid/--path/--result/--objective is given, or when\n"
    "--event names them. Times are UTC.\n"
    "--session N: a login session's whole activity (its login, its syscalls, its logout).\n"
    "--login: one line per login (origin, session, duration) and per failed login step;\n"
    "it takes --since/--until only.\n"
    "Exit status: 0 on success, also when no record matches (unlike ausearch);\n"
    "1 when the trail cannot be read; 2 on bad usage.";

struct SearchArgs {
  std::string trail = kDefaultTrail;
  std::string since, until, result;
  std::vector<std::string> users, events, classes, paths, objectives;
  uint32_t pid = 0;
  uint32_t session = 0;
  bool logins = false;  // --login
  bool json = false;
  uint64_t limit = 0;  // 0: no limit
};

// CLI11's own PositiveNumber prints its range as a huge double; say it plainly.
CLI::Validator at_least_one() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        return text.find_first_not_of('0') == std::string::npos ? "must be at least 1" : "";
      },
      "N>0");
}

void report(const std::string& message) {
  std::fprintf(stderr, "c2audit search: %s\n", message.c_str());
}

// Parses an optional time option into `out`; an empty text leaves it unset.
Result<void> parse_bound(const char* option, const std::string& text, std::optional<int64_t>& out) {
  if (text.empty()) return {};
  auto ns = parse_time_arg(text);
  if (!ns) return tl::unexpected(with_context(option, ns.error()));
  out = *ns;
  return {};
}

Result<SearchFilter> build_filter(const SearchArgs& args, bool pid_given, bool session_given) {
  SearchFilter f;
  if (auto r = parse_bound("--since", args.since, f.since_ns); !r) return tl::unexpected(r.error());
  if (auto r = parse_bound("--until", args.until, f.until_ns); !r) return tl::unexpected(r.error());
  if (f.since_ns && f.until_ns && *f.since_ns > *f.until_ns) {
    return fail("--since " + args.since + " is after --until " + args.until);
  }
  f.users = args.users;
  if (pid_given) f.pid = args.pid;
  f.events = args.events;
  f.classes = args.classes;
  f.path_globs = args.paths;
  if (!args.result.empty()) f.success = args.result == "success";
  f.objectives = args.objectives;
  if (session_given) f.session = args.session;
  if (args.logins && (!f.users.empty() || f.pid || !f.events.empty() || !f.classes.empty() ||
                      !f.path_globs.empty() || f.success || !f.objectives.empty() || f.session)) {
    return fail("--login takes --since and --until only");
  }
  return f;
}

// Names the trail directory in a reader error unless the message already does.
std::string trail_error(const std::string& dir, const Error& error) {
  if (error.message.find(dir) != std::string::npos) return error.message;
  return with_context(dir, error).message;
}

// Writes one line to stdout; false when that failed (errno says why).
bool print_line(const std::string& line) {
  return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() &&
         std::fputc('\n', stdout) != EOF;
}

int run_search(const SearchArgs& args, bool pid_given, bool session_given) {
  auto filter = build_filter(args, pid_given, session_given);
  if (!filter) {
    report(filter.error().message);
    return kExitUsage;
  }
  auto reader = TrailReader::open(args.trail);
  if (!reader) {
    report(trail_error(args.trail, reader.error()));
    return kExitTrailError;
  }
  uint64_t printed = 0;
  bool output_ok = true;
  LoginList logins;
  auto done = reader->for_each([&](const AuditRecord& rec) {
    if (!matches(*filter, rec)) return true;
    if (args.logins) {
      logins.add(rec);
      return true;
    }
    output_ok = print_line(args.json ? to_json_line(rec) : to_text(rec));
    ++printed;
    return output_ok && (args.limit == 0 || printed < args.limit);
  });
  for (const Login& login : logins.logins()) {
    if (!output_ok || (args.limit != 0 && printed >= args.limit)) break;
    output_ok = print_line(args.json ? login_json(login) : login_text(login));
    ++printed;
  }
  for (const auto& warning : reader->warnings()) report("warning: " + warning);
  if (std::fflush(stdout) != 0 || !output_ok) {
    report(std::string("writing output: ") + std::strerror(errno));
    return kExitTrailError;
  }
  if (!done) {
    report(trail_error(args.trail, done.error()));
    return kExitTrailError;
  }
  return kExitOk;
}

void add_filter_options(CLI::App* cmd, SearchArgs& args) {
  cmd->add_option("--since", args.since,
                  std::string("Records at or after this time: ") + kTimeHelp);
  cmd->add_option("--until", args.until, "Records at or before this time (same forms)");
  cmd->add_option("--user", args.users,
                  "Login user (auid, or uid when unset): name or numeric id; repeatable, "
                  "comma-separated")
      ->delimiter(',');
  cmd->add_option("--pid", args.pid, "Process id");
  cmd->add_option("--event", args.events,
                  "Syscall name (openat, execve, ...) or lost/config/daemon; repeatable, "
                  "comma-separated")
      ->delimiter(',');
  cmd->add_option("--class", args.classes,
                  "Event class: exact (file.read), or a prefix (file, file.*); repeatable, "
                  "comma-separated")
      ->delimiter(',');
  cmd->add_option("--path", args.paths,
                  "Glob on path or path2: * within a directory, ** across '/', ? and [..]; "
                  "repeatable");
  cmd->add_option("--result", args.result, "Outcome")->check(CLI::IsMember({"success", "failure"}));
  cmd->add_option("--objective", args.objectives,
                  "Objective that selected the record; repeatable, comma-separated")
      ->delimiter(',');
  cmd->add_option("--session", args.session,
                  "Audit session (ses) of the subject: a login session's whole activity");
}

}  // namespace

void add_search_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SearchArgs>();
  auto* cmd = app.add_subcommand("search", "Print the audit records that match the filters");
  cmd->footer(kFooter);
  cmd->add_option("--trail", args->trail, "Trail directory")->capture_default_str();
  add_filter_options(cmd, *args);
  auto* pid = cmd->get_option("--pid");
  auto* session = cmd->get_option("--session");
  cmd->add_flag("--login", args->logins,
                "List logins (origin, session, duration) and failed login steps instead of "
                "records");
  cmd->add_flag("--json", args->json, "Print one JSON object per line (docs/records.md)");
  cmd->add_option("--limit", args->limit, "Stop after this many records")->check(at_least_one());
  cmd->callback([args, pid, session, &exit_code] {
    exit_code = run_search(*args, pid->count() > 0, session->count() > 0);
  });
}

}  // namespace c2audit::cli
