// TrailVerifier: checks a whole trail directory against the host key and
// reports the first thing that is wrong, precisely (file, offset, seq, what),
// or that the trail is intact. A crash leaves a recognisable state (an
// unsealed last segment, perhaps ending in a torn frame, that the next
// segment's header names as crashed) and is reported as such, never as
// tampering; anything else that breaks the chain is tampering.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "trail/host_key.h"

namespace c2audit {

enum class VerifyStatus {
  clean,         // every segment sealed and linked (or the open one is being written)
  crashed_tail,  // intact up to the last durable record; the last segment has no seal
  tampered,      // modified, truncated, missing, reordered, forged or badly sealed
};

struct VerifyFinding {
  std::string file;     // segment file name
  uint64_t offset = 0;  // in the (uncompressed) segment
  uint64_t seq = 0;     // the record concerned (or expected there); 0 when none
  std::string what;
};

struct VerifyReport {
  VerifyStatus status = VerifyStatus::clean;
  std::optional<VerifyFinding> finding;  // the first problem, or the crashed tail
  std::vector<std::string> notes;        // recovered crashes, removals by retention
  uint64_t segments = 0, compressed_segments = 0, records = 0;
  uint64_t first_seq = 0, last_seq = 0;
};

struct VerifyOptions {
  // A running daemon holds the trail lock: its unsealed segment is open, not crashed.
  bool writer_active = false;
  // Where the daemon logged its seals (seal_log.h); empty: not checked.
  std::filesystem::path seal_log;
};

// Fails only when the trail cannot be examined at all (missing directory,
// unreadable file, unsupported segment version); damage is in the report.
Result<VerifyReport> verify_trail(const std::filesystem::path& dir, const HostKey& key,
                                  const VerifyOptions& options = {});

}  // namespace c2audit
