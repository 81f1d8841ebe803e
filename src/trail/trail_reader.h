// TrailReader: reads every record of a trail directory in sequence order.
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

namespace c2audit {

class TrailReader {
 public:
  // Fails if the directory is missing, unreadable, or not a trail.
  static Result<TrailReader> open(const std::filesystem::path& dir);

  // Segment files in sequence order.
  const std::vector<std::filesystem::path>& segments() const { return segments_; }

  // Calls `visit` for each record in order; stops early when it returns false.
  Result<void> for_each(const std::function<bool(const AuditRecord&)>& visit);

  // Torn tails skipped so far, one line each ("file: offset N: torn record").
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  explicit TrailReader(std::vector<std::filesystem::path> segments)
      : segments_(std::move(segments)) {}
  std::vector<std::filesystem::path> segments_;
  std::vector<std::string> warnings_;
};

}  // namespace c2audit
