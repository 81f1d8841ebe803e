// How a daemon run with several consumers names the streams it writes, so
// that `verify` can tell when one stream's part of a run was removed: the
// other streams keep chaining on, so no chain breaks. The run's start record
// in stream 0 and the first record of the run in every other stream carry
//
//   run <id>: stream <k> of <n>
//
// (id: the run's start time in ns); verify then finds each run in all n
// streams, or the stream's older segments removed by retention.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace c2audit {

struct RunMarker {
  uint64_t run = 0;
  unsigned stream = 0;
  unsigned streams = 0;
};

std::string format_run_marker(const RunMarker& marker);

// The marker inside `message`, or nullopt when it has none.
std::optional<RunMarker> parse_run_marker(const std::string& message);

}  // namespace c2audit
