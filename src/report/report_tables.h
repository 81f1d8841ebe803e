// What a report shows, whatever its form: the tables of a summary, or the
// one table of a breakdown (--by user|objective|path|program|class), and
// the header facts every form starts with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/report_tally.h"

namespace c2audit {

enum class ReportBy { summary, user, objective, path, program, event_class };

// "user" -> ReportBy::user; nullopt for a name that is none of them.
std::optional<ReportBy> parse_report_by(std::string_view name);

struct ReportContext {
  std::string trail;
  std::optional<int64_t> since_ns, until_ns;  // the period asked for
  std::string filters;  // the other filters as given ("--user alice"), or empty
  ReportBy by = ReportBy::summary;
  size_t top = 10;  // rows per table; 0: every row
};

struct ReportTable {
  std::string id;        // "users": JSON key, CSV section, HTML anchor
  std::string title;     // "Top users"
  std::string key_name;  // the first column: "user"
  std::vector<TallyRow> rows;
  size_t keys = 0;          // distinct keys counted (rows may show fewer)
  uint64_t undercount = 0;  // KeyTally::undercount
};

std::vector<ReportTable> report_tables(const ReportTally& tally, const ReportContext& context);

// " (10 of 998)" after a table's title when it shows fewer rows than it
// counted ("of more than" past its bound); empty when it shows them all.
std::string rows_shown(const ReportTable& table);

// A key as a report prints it: control characters and bytes that are not
// UTF-8 escaped (escape_unprintable), so a hostile path cannot steer a
// terminal or break a format.
std::string printable(std::string_view key);

}  // namespace c2audit
