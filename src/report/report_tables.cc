#include "report/report_tables.h"

#include <fmt/format.h>

#include "common/utf8.h"

namespace c2audit {
namespace {

ReportTable table(const char* id, const char* title, const char* key_name, const KeyTally& keys,
                  size_t limit) {
  return {id, title, key_name, keys.rows(limit), keys.keys(), keys.undercount()};
}

std::vector<ReportTable> summary_tables(const ReportTally& tally, size_t top) {
  return {
      table("classes", "Records by class", "class", tally.classes, 0),
      table("objectives", "Records by objective", "objective", tally.objectives, 0),
      table("criticalities", "Records by criticality", "criticality", tally.criticalities, 0),
      table("events", "Top events", "event", tally.events, top),
      table("users", "Top users", "user", tally.users, top),
      table("programs", "Top programs", "program", tally.programs, top),
      table("objects", "Top objects", "object", tally.objects, top),
      table("failures", "Top failures", "event and error", tally.failure_reasons, top),
      table("accounts", "Logins and failed authentications by account", "account", tally.accounts,
            top),
  };
}

}  // namespace

std::optional<ReportBy> parse_report_by(std::string_view name) {
  if (name == "summary") return ReportBy::summary;
  if (name == "user") return ReportBy::user;
  if (name == "objective") return ReportBy::objective;
  if (name == "path") return ReportBy::path;
  if (name == "program") return ReportBy::program;
  if (name == "class") return ReportBy::event_class;
  return std::nullopt;
}

std::vector<ReportTable> report_tables(const ReportTally& tally, const ReportContext& context) {
  switch (context.by) {
    case ReportBy::summary:
      return summary_tables(tally, context.top);
    case ReportBy::user:
      return {table("users", "Records by user", "user", tally.users, context.top)};
    case ReportBy::objective:
      return {
          table("objectives", "Records by objective", "objective", tally.objectives, context.top)};
    case ReportBy::path:
      return {table("objects", "Records by object", "object", tally.objects, context.top)};
    case ReportBy::program:
      return {table("programs", "Records by program", "program", tally.programs, context.top)};
    case ReportBy::event_class:
      return {table("classes", "Records by class", "class", tally.classes, context.top)};
  }
  return {};
}

std::string rows_shown(const ReportTable& table) {
  if (table.rows.size() >= table.keys) return "";
  return fmt::format(" ({} of {}{})", table.rows.size(), table.undercount ? "more than " : "",
                     table.keys);
}

std::string printable(std::string_view key) { return escape_unprintable(key); }

}  // namespace c2audit
