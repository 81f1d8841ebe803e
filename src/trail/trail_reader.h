// TrailReader: reads every record of a trail directory in time order (ties
// by seq). The streams of a trail written by several consumers
// (trail_streams.h) are merged by time; a stream holds the records of one
// group of CPUs in the order its ring buffer took them, which for one CPU is
// the order of their times. A window of a few thousand records, sorted by
// time, puts the records the daemon makes itself (stamped when written) in
// place; a record written more than that window after records of later
// times (e.g. a `lost` record under a storm) comes after them.
//
// A partial record at the very end of a segment (a write torn by a crash) is
// skipped and reported as a warning; any other damage (bad header, bad crc or
// length in the middle of a segment) is an error naming file and offset.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "record/audit_record.h"
#include "trail/trail_streams.h"

namespace c2audit {

class TrailReader {
 public:
  // Fails if the directory is missing, unreadable, or not a trail.
  static Result<TrailReader> open(const std::filesystem::path& dir);

  // Segment files, stream by stream, each stream's in sequence order.
  const std::vector<std::filesystem::path>& segments() const { return segments_; }

  // Calls `visit` for each record in order; stops early when it returns false.
  Result<void> for_each(const std::function<bool(const AuditRecord&)>& visit);

  // Torn tails skipped so far, one line each ("file: offset N: torn write ...").
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct StreamSegments {
    unsigned index = 0;
    std::vector<std::filesystem::path> segments;
  };
  explicit TrailReader(std::vector<StreamSegments> streams);

  std::vector<StreamSegments> streams_;
  std::vector<std::filesystem::path> segments_;
  std::vector<std::string> warnings_;
};

}  // namespace c2audit
