// The forms of a report: aligned terminal tables, JSON, CSV and one
// self-contained HTML page with charts. Each renders the same tables
// (report_tables.h), notices and series from a finished tally.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/report_tables.h"
#include "report/report_tally.h"

namespace c2audit {

std::string report_text(const ReportTally& tally, const ReportContext& context);

// One object: header facts, "tables" by id, "notices", "series" (docs/reports.md).
nlohmann::json report_json(const ReportTally& tally, const ReportContext& context);

// RFC 4180, one header line: section,key,records,failures,lost,first,last.
std::string report_csv(const ReportTally& tally, const ReportContext& context);

// A whole HTML document: no script, no outside resource, and a
// Content-Security-Policy that forbids both.
std::string report_html(const ReportTally& tally, const ReportContext& context);

}  // namespace c2audit
