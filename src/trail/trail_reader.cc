#include "trail/trail_reader.h"

#include <fmt/format.h>

#include <optional>
#include <queue>

#include "record/record_codec.h"
#include "trail/segment_format.h"
#include "trail/segment_tail.h"

namespace c2audit {
namespace {

Error at(const std::filesystem::path& file, size_t offset, const std::string& what) {
  return Error{fmt::format("{}: offset {}: {}", file.native(), offset, what)};
}

// Reads one stream's records one at a time, segment after segment, checking
// that its seqs increase across file boundaries too.
class StreamCursor {
 public:
  StreamCursor(const std::vector<std::filesystem::path>& segments,
               std::vector<std::string>& warnings)
      : segments_(segments), warnings_(warnings) {}

  // Decodes the next record into `rec`; false at the stream's end.
  Result<bool> next(AuditRecord& rec) {
    while (true) {
      if (!loaded_) {
        if (next_segment_ == segments_.size()) return false;
        if (auto ok = load(segments_[next_segment_++]); !ok) return tl::unexpected(ok.error());
      }
      if (offset_ >= batch_end_) {
        if (auto ok = enter_batch(); !ok) return tl::unexpected(ok.error());
        if (!loaded_) continue;
      }
      FrameScan frame = scan_frame(bytes_, offset_);  // whole: the batch was scanned
      if (frame.status != FrameStatus::complete) {
        return tl::unexpected(at(path_, offset_, frame.problem));
      }
      size_t offset = std::exchange(offset_, frame.next_offset);
      // Seals and tags are skipped: checking them is `c2audit verify`'s job (it needs the key).
      if (frame.payload[0] == static_cast<uint8_t>(FrameType::seal) ||
          is_tag_frame(frame.payload, version_)) {
        continue;
      }
      auto split = split_record_frame(frame.payload, version_);
      if (!split) return tl::unexpected(at(path_, offset, "unknown frame type"));
      if (auto ok = decoder_.decode(split->encoding, rec); !ok) {
        return tl::unexpected(at(path_, offset, ok.error().message));
      }
      if (rec.seq <= last_seq_) {
        return tl::unexpected(
            at(path_, offset, fmt::format("seq {} does not follow {}", rec.seq, last_seq_)));
      }
      last_seq_ = rec.seq;
      return true;
    }
  }

 private:
  // Records are shown once the tag after them is there: a batch without one
  // (a crash mid-write, or a write under way) is the segment's torn end.
  Result<void> enter_batch() {
    BatchScan batch = scan_batch(bytes_, offset_, version_);
    switch (batch.status) {
      case FrameStatus::complete:
        batch_end_ = batch.next_offset;
        decoder_.start_batch();
        return {};
      case FrameStatus::corrupt:
        return tl::unexpected(at(path_, batch.problem_offset, batch.problem));
      case FrameStatus::torn:
        warnings_.push_back(
            fmt::format("{}: offset {}: torn write at end of segment ({}; a crash?), skipped",
                        path_.native(), offset_, batch.problem));
        [[fallthrough]];
      case FrameStatus::end:
        loaded_ = false;
        return {};
    }
    return {};
  }

  Result<void> load(const std::filesystem::path& path) {
    auto first_seq = parse_segment_file_name(path.filename().native());
    bool compressed = path.native().ends_with(kCompressedSuffix);
    SegmentFile segment{path, first_seq.value_or(0), compressed};
    if (auto ok = read_segment_bytes(segment, bytes_); !ok) return ok;
    auto header = decode_segment_header(bytes_, bytes_.size(), segment.first_seq);
    if (!header) return tl::unexpected(with_context(path.native(), header.error()));
    path_ = path;
    offset_ = batch_end_ = header->header_size;
    version_ = header->version;
    loaded_ = true;
    return {};
  }

  const std::vector<std::filesystem::path>& segments_;
  std::vector<std::string>& warnings_;
  size_t next_segment_ = 0;
  std::filesystem::path path_;
  std::vector<uint8_t> bytes_;  // the current segment, reused between segments
  size_t offset_ = 0;
  size_t batch_end_ = 0;  // where the batch that offset_ is in ends
  RecordDecoder decoder_;  // the batch's records so far
  uint32_t version_ = kSegmentVersion;
  bool loaded_ = false;
  uint64_t last_seq_ = 0;
};

// Within a stream, records are in the order they were written, which for
// the kernel's events is their time order; but a record the daemon makes
// itself (config, lost) bears the time it was written, after events of
// earlier times that were still in a ring. The merge of the streams goes
// through a window of this many records sorted by time, which puts those
// back in place (~4 MiB of records).
constexpr size_t kReorderWindow = 8192;

// Records waiting to be shown stay in one slot each while the heaps order
// small keys to them: moving a whole record at every step of a heap was
// most of a reader's time.
class RecordSlots {
 public:
  // A slot to decode into; its reference lasts until the next acquire().
  uint32_t acquire() {
    if (free_.empty()) {
      records_.emplace_back();
      return static_cast<uint32_t>(records_.size() - 1);
    }
    uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  AuditRecord& at(uint32_t slot) { return records_[slot]; }
  void release(uint32_t slot) { free_.push_back(slot); }

 private:
  std::vector<AuditRecord> records_;
  std::vector<uint32_t> free_;
};

// A stored record's order key and the stream it came from; earliest first
// in a Later heap.
struct Head {
  int64_t time_ns;
  uint64_t seq;
  uint32_t slot;
  uint32_t stream;
};

struct Later {
  bool operator()(const Head& a, const Head& b) const {
    if (a.time_ns != b.time_ns) return a.time_ns > b.time_ns;
    return a.seq > b.seq;
  }
};

}  // namespace

TrailReader::TrailReader(std::vector<StreamSegments> streams) : streams_(std::move(streams)) {
  for (const auto& stream : streams_) {
    segments_.insert(segments_.end(), stream.segments.begin(), stream.segments.end());
  }
}

Result<TrailReader> TrailReader::open(const std::filesystem::path& dir) {
  auto streams = list_streams(dir);
  if (!streams) return tl::unexpected(streams.error());
  std::vector<StreamSegments> found;
  for (const auto& stream : *streams) {
    auto listed = list_segments(stream.dir);
    if (!listed) return tl::unexpected(listed.error());
    StreamSegments segments{stream.index, {}};
    for (const auto& segment : *listed) {
      if (auto header = read_segment_header(segment); !header) {
        return tl::unexpected(header.error());
      }
      segments.segments.push_back(segment.path);
    }
    found.push_back(std::move(segments));
  }
  return TrailReader(std::move(found));
}

Result<void> TrailReader::for_each(const std::function<bool(const AuditRecord&)>& visit) {
  warnings_.clear();
  std::vector<StreamCursor> cursors;
  cursors.reserve(streams_.size());
  for (const auto& stream : streams_) cursors.emplace_back(stream.segments, warnings_);
  RecordSlots slots;
  std::priority_queue<Head, std::vector<Head>, Later> heads;   // each stream's next
  std::priority_queue<Head, std::vector<Head>, Later> window;  // merged, not yet shown
  auto advance = [&](size_t stream) -> Result<void> {
    uint32_t slot = slots.acquire();
    AuditRecord& rec = slots.at(slot);
    auto got = cursors[stream].next(rec);
    if (!got || !*got) {
      slots.release(slot);
      return got ? Result<void>{} : tl::unexpected(got.error());
    }
    heads.push(Head{rec.time_ns, rec.seq, slot, static_cast<uint32_t>(stream)});
    return {};
  };
  for (size_t stream = 0; stream < cursors.size(); ++stream) {
    if (auto ok = advance(stream); !ok) return ok;
  }
  auto take = [](auto& heap) {
    Head head = heap.top();
    heap.pop();
    return head;
  };
  auto show = [&](const Head& head) {
    bool more = visit(slots.at(head.slot));
    slots.release(head.slot);
    return more;
  };
  // What was read before damage is still shown, then the damage reported.
  auto show_window = [&] {
    while (!window.empty()) {
      if (!show(take(window))) return false;
    }
    return true;
  };
  while (!heads.empty()) {
    Head head = take(heads);
    window.push(head);
    if (auto ok = advance(head.stream); !ok) {
      show_window();
      return ok;
    }
    if (window.size() > kReorderWindow && !show(take(window))) return {};
  }
  show_window();
  return {};
}

}  // namespace c2audit
