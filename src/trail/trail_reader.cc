#include "trail/trail_reader.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "record/record_codec.h"
#include "trail/segment_format.h"
#include "trail/segment_tail.h"

namespace c2audit {
namespace {

// Where one pass over the trail is; shared across segments so that sequence
// order is checked across file boundaries too.
struct Pass {
  const std::function<bool(const AuditRecord&)>& visit;
  std::vector<std::string>& warnings;
  std::vector<uint8_t> bytes;  // the current segment, reused between segments
  uint64_t last_seq = 0;
  bool stopped = false;  // visit returned false
};

Error at(const std::filesystem::path& file, size_t offset, const std::string& what) {
  return Error{fmt::format("{}: offset {}: {}", file.native(), offset, what)};
}

// Decodes one complete record frame and hands it to the visitor; seals are
// skipped (checking them is `c2audit verify`'s job, which needs the key).
Result<void> visit_frame(Pass& pass, const std::filesystem::path& file, size_t offset,
                         std::span<const uint8_t> payload) {
  if (!payload.empty() && payload[0] == static_cast<uint8_t>(FrameType::seal)) return {};
  auto frame = split_record_frame(payload);
  if (!frame) return tl::unexpected(at(file, offset, "unknown frame type"));
  auto rec = decode_record(frame->encoding);
  if (!rec) return tl::unexpected(at(file, offset, rec.error().message));
  if (rec->seq <= pass.last_seq) {
    return tl::unexpected(
        at(file, offset, fmt::format("seq {} does not follow {}", rec->seq, pass.last_seq)));
  }
  pass.last_seq = rec->seq;
  pass.stopped = !pass.visit(*rec);
  return {};
}

Result<void> read_segment(Pass& pass, const SegmentFile& segment) {
  if (auto ok = read_segment_bytes(segment, pass.bytes); !ok) return ok;
  auto header = decode_segment_header(pass.bytes, pass.bytes.size(), segment.first_seq);
  if (!header) return tl::unexpected(with_context(segment.path.native(), header.error()));
  size_t offset = header->header_size;
  while (!pass.stopped) {
    FrameScan frame = scan_frame(pass.bytes, offset);
    switch (frame.status) {
      case FrameStatus::end:
        return {};
      case FrameStatus::torn:
        pass.warnings.push_back(
            fmt::format("{}: offset {}: torn record at end of segment (crash?), skipped",
                        segment.path.native(), offset));
        return {};
      case FrameStatus::corrupt:
        return tl::unexpected(at(segment.path, offset, frame.problem));
      case FrameStatus::complete:
        if (auto ok = visit_frame(pass, segment.path, offset, frame.payload); !ok) return ok;
        offset = frame.next_offset;
        break;
    }
  }
  return {};
}

}  // namespace

Result<TrailReader> TrailReader::open(const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return fail(fmt::format("{}: {}", dir.native(), std::strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) return fail(fmt::format("{}: not a directory", dir.native()));
  auto listed = list_segments(dir);
  if (!listed) return tl::unexpected(listed.error());
  std::vector<std::filesystem::path> segments;
  for (const auto& segment : *listed) {
    if (auto header = read_segment_header(segment); !header) {
      return tl::unexpected(header.error());
    }
    segments.push_back(segment.path);
  }
  return TrailReader(std::move(segments));
}

Result<void> TrailReader::for_each(const std::function<bool(const AuditRecord&)>& visit) {
  warnings_.clear();
  Pass pass{visit, warnings_, {}, 0, false};
  for (const auto& path : segments_) {
    auto first_seq = parse_segment_file_name(path.filename().native());
    bool compressed = path.native().ends_with(kCompressedSuffix);
    if (auto ok = read_segment(pass, SegmentFile{path, first_seq.value_or(0), compressed}); !ok) {
      return ok;
    }
    if (pass.stopped) break;
  }
  return {};
}

}  // namespace c2audit
