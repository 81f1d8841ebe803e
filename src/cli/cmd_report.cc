// c2audit report: what a period of the trail holds, for an auditor — counts
// by class, objective, criticality and result; the top users, programs,
// objects and failures; logins; every gap and policy change — or one of
// those broken down in full (--by). Reads the trail once, streaming.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/filter_options.h"
#include "common/file_descriptor.h"
#include "record/record_fields.h"
#include "report/report_output.h"
#include "trail/trail_reader.h"

namespace c2audit::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitTrailError = 1;
constexpr int kExitUsage = 2;
constexpr size_t kSummaryTop = 10;
constexpr mode_t kOutputMode = 0640;  // a report holds what the trail holds

constexpr const char* kFooter =
    "Filters select the records counted, as for search (values of one option OR-ed,\n"
    "different options AND-ed); every gap (lost), policy change and daemon event of the\n"
    "period is listed whatever they select. Times are UTC. A table past 100,000 keys\n"
    "keeps the most frequent and says how far its counts may be low.\n"
    "Exit status: 0 on success, also for an empty period; 1 when the trail cannot be\n"
    "read or the output written; 2 on bad usage.";

struct ReportArgs {
  std::string trail = kDefaultTrail;
  FilterArgs filters;
  std::string by = "summary";
  size_t top = kSummaryTop;
  CLI::Option* top_option = nullptr;
  bool json = false, csv = false, html = false;
  std::string output;  // empty: stdout
};

void complain(const std::string& message) {
  std::fprintf(stderr, "c2audit report: %s\n", message.c_str());
}

std::string render(const ReportArgs& args, const ReportTally& tally, const ReportContext& context) {
  if (args.json) return report_json(tally, context).dump(2) + "\n";
  if (args.csv) return report_csv(tally, context);
  if (args.html) return report_html(tally, context);
  return report_text(tally, context);
}

bool write_all(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Writes the report to --output: into a new file beside it (mode 0640,
// ours), then renamed over the name, so nothing that was there is written
// through: not a symlink's target, not another name of a hard link, not a
// file of someone else's; and a failed write leaves what was there. A
// symlink at the name is refused outright.
Result<void> write_output(const std::string& path, const std::string& text) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    return fail(path + ": is a symbolic link; not written");
  }
  std::string temp = path + ".XXXXXX";
  FileDescriptor fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd.valid()) return fail(temp + ": " + std::strerror(errno));
  auto discard = [&](const std::string& what) {
    std::string message = what + ": " + std::strerror(errno);
    ::unlink(temp.c_str());
    return fail(message);
  };
  if (::fchmod(fd.get(), kOutputMode) != 0) return discard(temp);
  if (!write_all(fd.get(), text) || ::fsync(fd.get()) != 0) return discard(temp);
  if (::rename(temp.c_str(), path.c_str()) != 0) return discard(path);
  return {};
}

int run_report(const ReportArgs& args) {
  auto filter = build_filter(args.filters);
  if (!filter) {
    complain(filter.error().message);
    return kExitUsage;
  }
  ReportContext context;
  context.trail = args.trail;
  context.since_ns = filter->since_ns;
  context.until_ns = filter->until_ns;
  context.filters = describe_filters(args.filters);
  context.by = *parse_report_by(args.by);  // checked by the option
  // A breakdown lists every key unless told otherwise; a summary its top ten.
  bool top_given = args.top_option->count() > 0;
  context.top = context.by == ReportBy::summary || top_given ? args.top : 0;

  auto reader = TrailReader::open(args.trail);
  if (!reader) {
    complain(trail_error(args.trail, reader.error()));
    return kExitTrailError;
  }
  ReportTally tally;
  auto done = reader->for_each([&](const AuditRecord& rec) {
    if (matches(*filter, rec)) {
      tally.add(rec);
    } else if (!(kind_bit(rec.kind) & kActionKinds) && time_matches(*filter, rec)) {
      tally.add_notice(rec);
    }
    return true;
  });
  for (const auto& warning : reader->warnings()) complain("warning: " + warning);
  if (!done) {
    complain(trail_error(args.trail, done.error()));
    return kExitTrailError;
  }
  std::string text = render(args, tally, context);
  if (!args.output.empty()) {
    if (auto written = write_output(args.output, text); !written) {
      complain(written.error().message);
      return kExitTrailError;
    }
    return kExitOk;
  }
  if (!write_all(STDOUT_FILENO, text)) {
    complain(std::string("writing output: ") + std::strerror(errno));
    return kExitTrailError;
  }
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("report", "Summarise a period of the trail for an auditor");
  cmd->footer(kFooter);
  cmd->add_option("--trail", args->trail, "Trail directory")->capture_default_str();
  add_filter_options(cmd, args->filters);
  cmd->add_option("--by", args->by,
                  "summary (default), or every user, objective, path (object), program or "
                  "class with its counts")
      ->check(CLI::IsMember({"summary", "user", "objective", "path", "program", "class"}));
  args->top_option = cmd->add_option("--top", args->top,
                                     "Rows per table (summary default 10; --by default all; "
                                     "0: all)");
  auto* json = cmd->add_flag("--json", args->json, "One JSON object (docs/reports.md)");
  auto* csv =
      cmd->add_flag("--csv", args->csv, "CSV: section,key,records,failures,lost,first,last");
  auto* html = cmd->add_flag("--html", args->html,
                             "One self-contained HTML page with charts (no script, works offline)");
  json->excludes(csv)->excludes(html);
  csv->excludes(html);
  cmd->add_option("--output,-o", args->output,
                  "Write to this file (0640, replaced whole; never through a symlink) instead of "
                  "stdout");
  cmd->callback([args, &exit_code] { exit_code = run_report(*args); });
}

}  // namespace c2audit::cli
