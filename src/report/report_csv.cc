#include <fmt/format.h>

#include "record/time_format.h"
#include "report/report_output.h"

namespace c2audit {
namespace {

std::string when(int64_t ns) { return format_rfc3339(ns); }

// One RFC 4180 field. A text a spreadsheet would take for a formula
// (=, +, -, @, tab, CR first) gets a leading quote mark: a path an
// attacker named "=cmd|..." must not run when an auditor opens the file.
std::string cell(std::string_view raw) {
  std::string text = printable(raw);
  if (!text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos) {
    text.insert(0, 1, '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string line(std::string_view section, std::string_view key, uint64_t records,
                 const std::string& failures, uint64_t lost, int64_t first_ns, int64_t last_ns) {
  return fmt::format("{},{},{},{},{},{},{}\r\n", section, cell(key), records, failures, lost,
                     when(first_ns), when(last_ns));
}

}  // namespace

std::string report_csv(const ReportTally& tally, const ReportContext& context) {
  std::string out = "section,key,records,failures,lost,first,last\r\n";
  if (tally.all.records) {
    out += line("total", "records", tally.all.records, std::to_string(tally.failures),
                tally.lost_events, tally.all.first_ns, tally.all.last_ns);
  }
  for (const ReportTable& table : report_tables(tally, context)) {
    for (const TallyRow& row : table.rows) {
      out += line(table.id, row.key, row.tally.records, std::to_string(row.tally.failures), 0,
                  row.tally.first_ns, row.tally.last_ns);
    }
  }
  if (context.by != ReportBy::summary) return out;
  for (const TrailNotice& notice : tally.notices) {
    out += line(notice.event, notice.message, 1, "", notice.lost, notice.time_ns, notice.time_ns);
  }
  for (const SeriesBucket& bucket : tally.series.buckets()) {
    out += line("interval", format_rfc3339(bucket.start_ns), bucket.records(),
                std::to_string(bucket.failures), bucket.lost, bucket.start_ns,
                tally.series.end_of(bucket.start_ns));
  }
  return out;
}

}  // namespace c2audit
