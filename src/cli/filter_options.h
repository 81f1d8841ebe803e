// The filter options `c2audit search` and `c2audit report` share: how they
// are declared on a subcommand and turned into a SearchFilter.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/search_filter.h"
#include "common/result.h"

namespace c2audit::cli {

inline constexpr const char* kDefaultTrail = "/var/log/c2audit";

struct FilterArgs {
  std::string since, until, result;
  std::vector<std::string> users, events, classes, paths, objectives;
  uint32_t pid = 0;
  uint32_t session = 0;
  CLI::Option* pid_option = nullptr;  // to tell --pid 0 from no --pid
  CLI::Option* session_option = nullptr;
};

// Declares --since --until --user --pid --event --class --path --result
// --objective --session on `cmd`, storing into `args` (which must outlive it).
void add_filter_options(CLI::App* cmd, FilterArgs& args);

// The filter the options give; fails on a bad time or an empty period.
Result<SearchFilter> build_filter(const FilterArgs& args);

// The filters given besides the period, as options ("--user alice --result
// failure"), for a report's header; empty when there are none.
std::string describe_filters(const FilterArgs& args);

// Names the trail directory in a reader error unless the message already does.
std::string trail_error(const std::string& dir, const Error& error);

}  // namespace c2audit::cli
