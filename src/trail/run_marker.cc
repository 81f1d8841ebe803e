#include "trail/run_marker.h"

#include <fmt/format.h>

#include <cstdio>

namespace c2audit {

namespace {
constexpr const char* kMarkerStart = "run ";
}  // namespace

std::string format_run_marker(const RunMarker& marker) {
  return fmt::format("{}{}: stream {} of {}", kMarkerStart, marker.run, marker.stream,
                     marker.streams);
}

std::optional<RunMarker> parse_run_marker(const std::string& message) {
  for (size_t at = message.find(kMarkerStart); at != std::string::npos;
       at = message.find(kMarkerStart, at + 1)) {
    unsigned long long run = 0;
    unsigned stream = 0, streams = 0;
    int end = 0;
    if (std::sscanf(message.c_str() + at, "run %llu: stream %u of %u%n", &run, &stream, &streams,
                    &end) == 3 &&
        end > 0 && stream < streams) {
      return RunMarker{run, stream, streams};
    }
  }
  return std::nullopt;
}

}  // namespace c2audit
