#include "trail/trail_open.h"

#include <algorithm>

#include "trail/segment_format.h"

namespace c2audit {

Result<OpenedTrail> open_trail(const TrailOptions& trail, const StoragePolicy& storage,
                               const RecordMaker& make_record, unsigned consumers,
                               const SharedSeq& seq) {
  auto on_disk = list_streams(trail.dir);
  if (!on_disk) return tl::unexpected(on_disk.error());
  // Streams that hold segments count; an empty one (a start that failed
  // after making it) does not.
  unsigned streams = consumers;
  for (const auto& stream : *on_disk) {
    std::vector<std::filesystem::path> not_files;  // the stream's writer sets them aside
    auto segments = list_segments(stream.dir, &not_files);
    if (!segments) return tl::unexpected(segments.error());
    if (!segments->empty()) streams = std::max(streams, stream.index + 1);
  }
  OpenedTrail opened;
  for (unsigned index = 0; index < streams; ++index) {
    TrailOptions options = trail;
    options.dir = stream_dir(trail.dir, index);
    if (streams > 1) {
      options.stream = static_cast<uint16_t>(index);
      options.streams = static_cast<uint16_t>(streams);
      options.shared_seq = seq;
    }
    if (index >= consumers) {  // no consumer writes it now: only its newest seq counts
      options.compress_closed = false;
      auto old = TrailWriter::open(options);
      if (!old) return tl::unexpected(old.error());
      // Ended by a crash: end it cleanly now, naming how it ended, as a
      // writer continuing it would; else it would stay a crashed tail.
      if (old->resume().crashed) {
        if (auto ok = old->end_chain(); !ok) return tl::unexpected(ok.error());
      }
      continue;
    }
    auto keeper = TrailKeeper::open(options, storage, make_record);
    if (!keeper) return tl::unexpected(keeper.error());
    if (index == 0) opened.resume = keeper->resume();
    opened.keepers.push_back(std::move(*keeper));
  }
  return opened;
}

}  // namespace c2audit
