#include <fmt/format.h>

#include "record/time_format.h"
#include "report/report_output.h"

namespace c2audit {
namespace {

std::string when(int64_t ns) { return format_rfc3339(ns, TimePrecision::millis); }

// Columns shown on a terminal, in characters (UTF-8 continuation bytes do not count).
size_t display_width(std::string_view text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return width;
}

// Rows of cells under a header, each column as wide as its widest cell;
// a column marked in `right` is right-aligned (numbers).
std::string aligned(const std::vector<std::vector<std::string>>& rows,
                    const std::vector<bool>& right) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = " ";
    for (size_t i = 0; i < row.size(); ++i) {
      std::string pad(widths[i] - display_width(row[i]), ' ');
      line += "  " + (i < right.size() && right[i] ? pad + row[i] : row[i] + pad);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string header(const ReportTally& tally, const ReportContext& context) {
  std::string out = fmt::format("c2audit report of {}\n", printable(context.trail));
  auto bound = [](const std::optional<int64_t>& ns) { return ns ? when(*ns) : std::string("-"); };
  out +=
      fmt::format("  period asked   {} .. {}\n", bound(context.since_ns), bound(context.until_ns));
  if (!context.filters.empty())
    out += fmt::format("  filters        {}\n", printable(context.filters));
  if (tally.all.records == 0) return out + "  records        none in the period\n";
  out += fmt::format("  records        {} from {} to {}\n", tally.all.records,
                     when(tally.all.first_ns), when(tally.all.last_ns));
  out += fmt::format("                 {} system calls, {} user messages, {} of the daemon's own\n",
                     tally.syscall_records, tally.user_records, tally.daemon_records);
  out += fmt::format("  results        {} success, {} failure\n", tally.successes, tally.failures);
  out += fmt::format("  lost events    {}\n", tally.lost_events);
  out += fmt::format("  logins         {} logins, {} failed authentications, {} logouts\n",
                     tally.logins, tally.failed_authentications, tally.logouts);
  return out;
}

std::string table_text(const ReportTable& table) {
  std::string out = fmt::format("\n{}{}\n", table.title, rows_shown(table));
  if (table.undercount) {
    out += fmt::format("  (too many to count each: any count may be low by up to {})\n",
                       table.undercount);
  }
  if (table.rows.empty()) return out + "  none\n";
  std::vector<std::vector<std::string>> rows = {
      {table.key_name, "records", "failures", "first", "last"}};
  for (const TallyRow& row : table.rows) {
    rows.push_back({printable(row.key), std::to_string(row.tally.records),
                    std::to_string(row.tally.failures), when(row.tally.first_ns),
                    when(row.tally.last_ns)});
  }
  return out + aligned(rows, {false, true, true});
}

std::string notices_text(const ReportTally& tally) {
  std::string out = "\nGaps, policy changes and daemon events\n";
  if (tally.notices.empty()) return out + "  none\n";
  std::vector<std::vector<std::string>> rows = {{"time", "seq", "event", "what"}};
  for (const TrailNotice& notice : tally.notices) {
    rows.push_back({when(notice.time_ns), std::to_string(notice.seq), notice.event,
                    printable(notice.message)});
  }
  return out + aligned(rows, {false, true});
}

}  // namespace

std::string report_text(const ReportTally& tally, const ReportContext& context) {
  std::string out = header(tally, context);
  for (const ReportTable& table : report_tables(tally, context)) out += table_text(table);
  if (context.by == ReportBy::summary) out += notices_text(tally);
  return out;
}

}  // namespace c2audit
