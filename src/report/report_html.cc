#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "record/time_format.h"
#include "report/report_output.h"

namespace c2audit {
namespace {

// Charts are drawn here as inline SVG, so the page needs nothing but itself.
constexpr int kChartWidth = 880, kChartHeight = 220;
constexpr int kLeft = 60, kBottom = 24, kTop = 10;
constexpr std::array<const char*, 10> kColours = {"#4269d0", "#efb118", "#ff725c", "#6cc5b0",
                                                  "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5",
                                                  "#9c6b4e", "#9498a0"};

std::string when(int64_t ns) { return format_rfc3339(ns, TimePrecision::millis); }

std::string escape(std::string_view raw) {
  std::string text = printable(raw), out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string bar(double x, double y, double width, double height, const char* colour, uint64_t value,
                const std::string& label) {
  return fmt::format(
      "<rect class=\"bar\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" "
      "fill=\"{}\" data-value=\"{}\"><title>{}</title></rect>",
      x, y, width, height, colour, value, escape(label));
}

std::string axes(uint64_t max_value, const std::string& left_label,
                 const std::string& right_label) {
  int base = kChartHeight - kBottom;
  return fmt::format(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#888\"/>"
      "<line x1=\"{0}\" y1=\"{3}\" x2=\"{0}\" y2=\"{1}\" stroke=\"#888\"/>"
      "<text x=\"{4}\" y=\"{5}\" text-anchor=\"end\">{6}</text>"
      "<text x=\"{4}\" y=\"{1}\" text-anchor=\"end\">0</text>"
      "<text x=\"{0}\" y=\"{7}\">{8}</text>"
      "<text x=\"{2}\" y=\"{7}\" text-anchor=\"end\">{9}</text>",
      kLeft, base, kChartWidth, kTop, kLeft - 4, kTop + 10, max_value, kChartHeight - 6,
      escape(left_label), escape(right_label));
}

std::string figure(const char* id, const std::string& title, const std::string& body) {
  return fmt::format("<figure data-chart=\"{}\"><figcaption>{}</figcaption>{}</figure>\n", id,
                     escape(title), body);
}

std::string svg(const std::string& body) {
  return fmt::format("<svg viewBox=\"0 0 {} {}\" role=\"img\">{}</svg>", kChartWidth, kChartHeight,
                     body);
}

struct Stacked {
  const char* colour;
  uint64_t count;
  std::string label;
};

// Bars over the intervals of the series; `stack_of` gives each interval's
// stack, bottom first.
template <typename StackOf>
std::string time_chart(const std::vector<SeriesBucket>& buckets, const TimeSeries& series,
                       StackOf stack_of) {
  uint64_t max_value = 1;
  for (const SeriesBucket& b : buckets) {
    uint64_t sum = 0;
    for (const Stacked& part : stack_of(b)) sum += part.count;
    max_value = std::max(max_value, sum);
  }
  double plot_height = kChartHeight - kBottom - kTop;
  double slot = static_cast<double>(kChartWidth - kLeft) / static_cast<double>(buckets.size());
  // The right end is where the last interval ends (the next one's start).
  int64_t last_ns = buckets.empty() ? 0 : series.end_of(buckets.back().start_ns);
  std::string body =
      axes(max_value, buckets.empty() ? "" : when(buckets.front().start_ns),
           buckets.empty() ? "" : when(last_ns == INT64_MAX ? last_ns : last_ns + 1));
  for (size_t i = 0; i < buckets.size(); ++i) {
    double y = kChartHeight - kBottom;
    for (const Stacked& part : stack_of(buckets[i])) {
      if (part.count == 0) continue;
      double height =
          plot_height * static_cast<double>(part.count) / static_cast<double>(max_value);
      y -= height;
      body += bar(kLeft + slot * static_cast<double>(i) + 1, y, std::max(slot - 2, 1.0), height,
                  part.colour, part.count,
                  fmt::format("{}: {} {}", when(buckets[i].start_ns), part.count, part.label));
    }
  }
  return svg(body);
}

std::string legend(const std::vector<std::string>& groups) {
  std::string out = "<p class=\"legend\">";
  for (size_t i = 0; i < groups.size(); ++i) {
    out += fmt::format("<span><i style=\"background:{}\"></i>{}</span> ",
                       kColours[i % kColours.size()], escape(groups[i]));
  }
  return out + "</p>";
}

std::string series_charts(const ReportTally& tally) {
  std::vector<SeriesBucket> buckets = tally.series.buckets();
  std::vector<std::string> groups = tally.series.groups();
  int64_t width = tally.series.width_ns();
  std::string interval = fmt::format(" (per {} s)", width / 1'000'000'000);
  std::string out = figure("records-by-class", "Records over time by class" + interval,
                           time_chart(buckets, tally.series, [&](const SeriesBucket& b) {
                             std::vector<Stacked> stack;
                             for (size_t g = 0; g < groups.size(); ++g) {
                               auto it = b.records_by_group.find(groups[g]);
                               uint64_t count = it == b.records_by_group.end() ? 0 : it->second;
                               stack.push_back({kColours[g % kColours.size()], count, groups[g]});
                             }
                             return stack;
                           }) + legend(groups));
  out += figure("failures", "Failures over time" + interval,
                time_chart(buckets, tally.series, [](const SeriesBucket& b) {
                  return std::vector<Stacked>{{"#d62728", b.failures, "failures"}};
                }));
  std::string lost_body = time_chart(buckets, tally.series, [](const SeriesBucket& b) {
    return std::vector<Stacked>{{"#7f7f7f", b.lost, "events lost"}};
  });
  if (tally.lost_events == 0) lost_body += "<p>No event was lost in the period.</p>";
  out += figure("lost", "Events lost over time" + interval, lost_body);
  return out;
}

std::string top_chart(const char* id, const ReportTable& table) {
  if (table.rows.empty()) return figure(id, table.title, "<p>None.</p>");
  constexpr int kRowHeight = 22, kLabelWidth = 260;
  uint64_t max_value = std::max<uint64_t>(table.rows.front().tally.records, 1);
  std::string body;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const TallyRow& row = table.rows[i];
    double y = static_cast<double>(i * kRowHeight);
    double length = (kChartWidth - kLabelWidth - 80) * static_cast<double>(row.tally.records) /
                    static_cast<double>(max_value);
    body += fmt::format("<text x=\"{}\" y=\"{:.0f}\" text-anchor=\"end\">{}</text>",
                        kLabelWidth - 6, y + 15, escape(row.key));
    body += bar(kLabelWidth, y + 3, std::max(length, 1.0), kRowHeight - 6, kColours[0],
                row.tally.records, fmt::format("{}: {} records", row.key, row.tally.records));
    body += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>", kLabelWidth + length + 6,
                        y + 15, row.tally.records);
  }
  return figure(id, table.title,
                fmt::format("<svg viewBox=\"0 0 {} {}\" role=\"img\">{}</svg>", kChartWidth,
                            table.rows.size() * kRowHeight, body));
}

std::string table_html(const ReportTable& table) {
  std::string out = fmt::format("<section id=\"{}\"><h2>{}{}</h2>", table.id, escape(table.title),
                                rows_shown(table));
  if (table.undercount) {
    out += fmt::format("<p>Too many to count each: any count may be low by up to {}.</p>",
                       table.undercount);
  }
  out += fmt::format(
      "<table><thead><tr><th>{}</th><th>records</th><th>failures</th><th>first</th>"
      "<th>last</th></tr></thead><tbody>",
      escape(table.key_name));
  for (const TallyRow& row : table.rows) {
    out += fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
        escape(row.key), row.tally.records, row.tally.failures, when(row.tally.first_ns),
        when(row.tally.last_ns));
  }
  return out + "</tbody></table></section>\n";
}

std::string notices_html(const ReportTally& tally) {
  std::string out =
      "<section id=\"notices\"><h2>Gaps, policy changes and daemon events</h2><table><thead><tr>"
      "<th>time</th><th>seq</th><th>event</th><th>what</th></tr></thead><tbody>";
  for (const TrailNotice& notice : tally.notices) {
    out += fmt::format(
        "<tr class=\"{}\"><td class=\"t\">{}</td><td class=\"n\">{}</td><td class=\"t\">{}</td>"
        "<td>{}</td></tr>",
        escape(notice.event), when(notice.time_ns), notice.seq, escape(notice.event),
        escape(notice.message));
  }
  if (tally.notices.empty()) out += "<tr><td colspan=\"4\">None.</td></tr>";
  return out + "</tbody></table></section>\n";
}

std::string summary_html(const ReportTally& tally, const ReportContext& context) {
  auto bound = [](const std::optional<int64_t>& ns) { return ns ? when(*ns) : std::string("-"); };
  std::string out = "<dl>";
  auto item = [&](const char* name, const std::string& value) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>", name, escape(value));
  };
  item("trail", context.trail);
  item("period asked", bound(context.since_ns) + " .. " + bound(context.until_ns));
  if (!context.filters.empty()) item("filters", context.filters);
  item("records", tally.all.records ? fmt::format("{} from {} to {}", tally.all.records,
                                                  when(tally.all.first_ns), when(tally.all.last_ns))
                                    : "none in the period");
  item("kinds", fmt::format("{} system calls, {} user messages, {} of the daemon's own",
                            tally.syscall_records, tally.user_records, tally.daemon_records));
  item("results", fmt::format("{} success, {} failure", tally.successes, tally.failures));
  item("lost events", std::to_string(tally.lost_events));
  item("logins", fmt::format("{} logins, {} failed authentications, {} logouts", tally.logins,
                             tally.failed_authentications, tally.logouts));
  return out + "</dl>\n";
}

constexpr const char* kStyle =
    "body{font:14px system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222}"
    "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}"
    "dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:600}"
    "dd{margin:0}table{border-collapse:collapse;width:100%}"
    "th,td{padding:.2em .5em;border-bottom:1px solid #ddd;text-align:left;"
    "overflow-wrap:anywhere}td.n{text-align:right}"
    "th,td.n,td.t{white-space:nowrap;overflow-wrap:normal}"
    "tr.lost td{background:#fdecea}figure{margin:1.2em 0}figcaption{font-weight:600}"
    "svg{width:100%;height:auto;font-size:11px}"
    ".legend span{margin-right:1em}.legend i{display:inline-block;width:.8em;height:.8em;"
    "margin-right:.3em}";

}  // namespace

std::string report_html(const ReportTally& tally, const ReportContext& context) {
  std::vector<ReportTable> tables = report_tables(tally, context);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">"
      "<title>c2audit report</title><style>{}</style></head><body>\n"
      "<h1>c2audit report</h1>\n",
      kStyle);
  out += summary_html(tally, context);
  if (context.by == ReportBy::summary) {
    out += series_charts(tally);
    for (const ReportTable& table : tables) {
      if (table.id == "users") out += top_chart("top-users", table);
    }
  }
  for (const ReportTable& table : tables) out += table_html(table);
  if (context.by == ReportBy::summary) out += notices_html(tally);
  return out + "</body></html>\n";
}

}  // namespace c2audit
