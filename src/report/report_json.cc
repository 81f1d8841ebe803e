#include "record/time_format.h"
#include "report/report_output.h"

namespace c2audit {
namespace {

using nlohmann::json;

std::string when(int64_t ns) { return format_rfc3339(ns); }

json bound(const std::optional<int64_t>& ns) { return ns ? json(when(*ns)) : json(nullptr); }

json table_json(const ReportTable& table) {
  json rows = json::array();
  for (const TallyRow& row : table.rows) {
    rows.push_back({{"key", printable(row.key)},
                    {"records", row.tally.records},
                    {"failures", row.tally.failures},
                    {"first", when(row.tally.first_ns)},
                    {"last", when(row.tally.last_ns)}});
  }
  return {{"title", table.title},
          {"key", table.key_name},
          {"keys", table.keys},
          {"undercount", table.undercount},
          {"rows", std::move(rows)}};
}

json notices_json(const ReportTally& tally) {
  json out = json::array();
  for (const TrailNotice& notice : tally.notices) {
    out.push_back({{"seq", notice.seq},
                   {"time", when(notice.time_ns)},
                   {"event", notice.event},
                   {"message", printable(notice.message)},
                   {"lost", notice.lost}});
  }
  return out;
}

json series_json(const ReportTally& tally) {
  json buckets = json::array();
  for (const SeriesBucket& bucket : tally.series.buckets()) {
    json by_group = json::object();
    for (const auto& [group, count] : bucket.records_by_group) by_group[printable(group)] = count;
    buckets.push_back({{"start", when(bucket.start_ns)},
                       {"records", std::move(by_group)},
                       {"failures", bucket.failures},
                       {"lost", bucket.lost}});
  }
  json groups = json::array();
  for (const std::string& group : tally.series.groups()) groups.push_back(printable(group));
  return {{"interval_s", tally.series.width_ns() / 1'000'000'000},
          {"groups", std::move(groups)},
          {"buckets", std::move(buckets)}};
}

}  // namespace

json report_json(const ReportTally& tally, const ReportContext& context) {
  json out = {
      {"trail", printable(context.trail)},
      {"since", bound(context.since_ns)},
      {"until", bound(context.until_ns)},
      {"filters", printable(context.filters)},
      {"records", tally.all.records},
      {"first", tally.all.records ? json(when(tally.all.first_ns)) : json(nullptr)},
      {"last", tally.all.records ? json(when(tally.all.last_ns)) : json(nullptr)},
      {"syscall_records", tally.syscall_records},
      {"user_records", tally.user_records},
      {"daemon_records", tally.daemon_records},
      {"success", tally.successes},
      {"failure", tally.failures},
      {"lost_events", tally.lost_events},
      {"logins", tally.logins},
      {"failed_authentications", tally.failed_authentications},
      {"logouts", tally.logouts},
  };
  json tables = json::object();
  for (const ReportTable& table : report_tables(tally, context)) {
    tables[table.id] = table_json(table);
  }
  out["tables"] = std::move(tables);
  if (context.by == ReportBy::summary) {
    out["notices"] = notices_json(tally);
    out["series"] = series_json(tally);
  }
  return out;
}

}  // namespace c2audit
