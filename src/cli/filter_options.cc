#include "cli/filter_options.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "record/time_format.h"

namespace c2audit::cli {
namespace {

constexpr const char* kTimeHelp =
    "RFC 3339 (2026-11-24T18:32:04Z), a date (2026-11-24, midnight UTC), relative "
    "(-10m, -2h, -1d), now, today or yesterday";

// Parses an optional time option into `out`; an empty text leaves it unset.
Result<void> parse_bound(const char* option, const std::string& text, std::optional<int64_t>& out) {
  if (text.empty()) return {};
  auto ns = parse_time_arg(text);
  if (!ns) return tl::unexpected(with_context(option, ns.error()));
  out = *ns;
  return {};
}

}  // namespace

void add_filter_options(CLI::App* cmd, FilterArgs& args) {
  cmd->add_option("--since", args.since,
                  std::string("Records at or after this time: ") + kTimeHelp);
  cmd->add_option("--until", args.until, "Records at or before this time (same forms)");
  cmd->add_option("--user", args.users,
                  "Login user (auid, or uid when unset): name or numeric id; repeatable, "
                  "comma-separated")
      ->delimiter(',');
  args.pid_option = cmd->add_option("--pid", args.pid, "Process id");
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
  args.session_option =
      cmd->add_option("--session", args.session,
                      "Audit session (ses) of the subject: a login session's whole activity");
}

Result<SearchFilter> build_filter(const FilterArgs& args) {
  SearchFilter f;
  if (auto r = parse_bound("--since", args.since, f.since_ns); !r) return tl::unexpected(r.error());
  if (auto r = parse_bound("--until", args.until, f.until_ns); !r) return tl::unexpected(r.error());
  if (f.since_ns && f.until_ns && *f.since_ns > *f.until_ns) {
    return fail("--since " + args.since + " is after --until " + args.until);
  }
  f.users = args.users;
  if (args.pid_option && args.pid_option->count() > 0) f.pid = args.pid;
  f.events = args.events;
  f.classes = args.classes;
  f.path_globs = args.paths;
  if (!args.result.empty()) f.success = args.result == "success";
  f.objectives = args.objectives;
  if (args.session_option && args.session_option->count() > 0) f.session = args.session;
  return f;
}

std::string describe_filters(const FilterArgs& args) {
  std::string out;
  auto list = [&](const char* option, const std::vector<std::string>& values) {
    if (!values.empty()) out += fmt::format(" {} {}", option, fmt::join(values, ","));
  };
  list("--user", args.users);
  if (args.pid_option && args.pid_option->count() > 0) out += fmt::format(" --pid {}", args.pid);
  list("--event", args.events);
  list("--class", args.classes);
  for (const std::string& glob : args.paths) out += fmt::format(" --path {}", glob);
  if (!args.result.empty()) out += " --result " + args.result;
  list("--objective", args.objectives);
  if (args.session_option && args.session_option->count() > 0) {
    out += fmt::format(" --session {}", args.session);
  }
  return out.empty() ? out : out.substr(1);
}

std::string trail_error(const std::string& dir, const Error& error) {
  if (error.message.find(dir) != std::string::npos) return error.message;
  return with_context(dir, error).message;
}

}  // namespace c2audit::cli
