// c2audit search: reads the trail in sequence order and prints the records
// that pass the filters, one line each (text, or JSON with --json).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/filter_options.h"
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
  FilterArgs filters;
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

// The filters; --login takes the period only.
Result<SearchFilter> search_filter(const SearchArgs& args) {
  auto f = build_filter(args.filters);
  if (!f) return f;
  if (args.logins && (!f->users.empty() || f->pid || !f->events.empty() || !f->classes.empty() ||
                      !f->path_globs.empty() || f->success || !f->objectives.empty() ||
                      f->session)) {
    return fail("--login takes --since and --until only");
  }
  return f;
}

// Writes one line to stdout; false when that failed (errno says why).
bool print_line(const std::string& line) {
  return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() &&
         std::fputc('\n', stdout) != EOF;
}

int run_search(const SearchArgs& args) {
  auto filter = search_filter(args);
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

}  // namespace

void add_search_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SearchArgs>();
  auto* cmd = app.add_subcommand("search", "Print the audit records that match the filters");
  cmd->footer(kFooter);
  cmd->add_option("--trail", args->trail, "Trail directory")->capture_default_str();
  add_filter_options(cmd, args->filters);
  cmd->add_flag("--login", args->logins,
                "List logins (origin, session, duration) and failed login steps instead of "
                "records");
  cmd->add_flag("--json", args->json, "Print one JSON object per line (docs/records.md)");
  cmd->add_option("--limit", args->limit, "Stop after this many records")->check(at_least_one());
  cmd->callback([args, &exit_code] { exit_code = run_search(*args); });
}

}  // namespace c2audit::cli
