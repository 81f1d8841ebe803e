// ForwardCursor: how far a collector has acknowledged the trail, stream by
// stream, kept on disk so that a restart, a crash or an outage resumes there.
// One small text file per destination, in the trail directory:
//
//   c2audit forward cursor 1
//   destination relp+tls://collector.example:2514
//   stream 0 segment 1 offset 4096 seq 1234
//
// Saved by writing a new file beside it and renaming it over the old one
// (after fsync), so a crash leaves the old cursor or the new one, never half.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "common/result.h"
#include "forward/stream_follower.h"

namespace c2audit {

struct ForwardCursor {
  std::string destination;                    // the collector it counts for
  std::map<unsigned, StreamPosition> streams; // stream index -> acknowledged up to
  bool operator==(const ForwardCursor&) const = default;
};

// The file's text, and its parse. Errors name the line ("line 3: ...").
std::string format_cursor(const ForwardCursor& cursor);
Result<ForwardCursor> parse_cursor(std::string_view text);

// A missing file is an empty cursor (nothing acknowledged yet). A link, a
// file over 64 KiB or a bad line is an error naming the file.
Result<ForwardCursor> load_cursor(const std::filesystem::path& file);
Result<void> save_cursor(const std::filesystem::path& file, const ForwardCursor& cursor);

// "forward-<host>-<port>.cursor": the cursor file's name for a destination.
std::string cursor_file_name(const std::string& host, uint16_t port);

}  // namespace c2audit
